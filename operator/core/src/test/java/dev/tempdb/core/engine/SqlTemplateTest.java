package dev.tempdb.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlTemplateTest {
  @Test
  void sqlOfOnlyCommentsAndSemicolonsIsBlankInEitherDialect() {
    assertThat(SqlTemplate.isBlank("-- nothing yet\n/* still nothing */ ;\n  # MySQL comment\n"))
        .isTrue();
    assertThat(SqlTemplate.isBlank(null)).isTrue();
  }

  @Test
  void aStatementIsNotBlankEvenWithCommentsAround() {
    assertThat(SqlTemplate.isBlank("# grants\nGRANT SELECT ON app.* TO {username};")).isFalse();
    assertThat(SqlTemplate.isBlank("SELECT 1 # trailing")).isFalse();
  }

  @Test
  void rendersEveryPlaceholder() {
    assertThat(SqlTemplate.render("GRANT a TO {username}; GRANT b TO {username};", "'u'@'%'"))
        .isEqualTo("GRANT a TO 'u'@'%'; GRANT b TO 'u'@'%';");
  }
}
