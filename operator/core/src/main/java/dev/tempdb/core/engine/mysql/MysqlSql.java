package dev.tempdb.core.engine.mysql;

/**
 * Quoting for account statements, which take no bind parameters. Only values the operator generated
 * or the CRD validated reach here; anything that could change meaning under some sql_mode (a
 * backslash, a quote, NUL) is refused rather than escaped.
 */
final class MysqlSql {
  private MysqlSql() {}

  /** A single-quoted string literal. */
  static String literal(String value) {
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\'' || ch == '\\' || ch == '\0' || ch < 0x20) {
        throw new IllegalArgumentException(
            "refusing to quote a value containing quote, backslash or control characters");
      }
    }
    return '\'' + value + '\'';
  }

  /** A back-quoted identifier (role, schema or event name). */
  static String identifier(String name) {
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL in identifier");
    }
    return '`' + name.replace("`", "``") + '`';
  }

  /** {@code 'name'@'host'}: how MySQL and MariaDB name an account. */
  static String account(String user, String host) {
    return literal(user) + "@" + literal(host);
  }
}
