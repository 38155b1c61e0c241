package dev.tempdb.core.engine.postgres;

/** Quoting for the few places where PostgreSQL cannot take a bind parameter (DDL). */
final class PostgresSql {
  private PostgresSql() {}

  static String identifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A standard-conforming string literal; callers only pass values we generated. */
  static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL in SQL literal");
    }
    return '\'' + value.replace("'", "''") + '\'';
  }
}
