package dev.tempdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The MySQL 8 test server starts from the bundled mysqld and takes the admin's password. */
class MySql8FixtureIT {
  @Test
  void startsMySql8AndTheAdminLogsInWithItsPasswordOverPlainTcpAndTls() throws Exception {
    MySql8Fixture db = MySql8Fixture.get();
    assertThat(db.version()).startsWith("8.0.");
    try (Connection plain = db.login(db.adminUser(), db.adminPassword());
        Connection tls = db.loginOverTls(db.adminUser(), db.adminPassword());
        Statement s = tls.createStatement();
        ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
      assertThat(plain.isValid(1)).isTrue();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(2)).startsWith("TLS");
    }
  }
}
