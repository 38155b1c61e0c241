package dev.tempdb.core.engine;

/**
 * Renders target SQL. The only placeholder is {@code {username}}, replaced by the engine's quoted
 * user reference; user names come from a safe alphabet and are quoted all the same.
 */
public final class SqlTemplate {
  public static final String USERNAME = "{username}";

  private SqlTemplate() {}

  public static String render(String sql, String quotedUser) {
    return sql.replace(USERNAME, quotedUser);
  }

  /** True when the SQL holds no statement at all (only blanks, comments and semicolons). */
  public static boolean isBlank(String sql) {
    if (sql == null) {
      return true;
    }
    // "#" starts a comment in MySQL; in PostgreSQL SQL made only of such lines is no SQL either.
    String withoutComments =
        sql.replaceAll("(?s)/\\*.*?\\*/", "")
            .replaceAll("--[^\\n]*", "")
            .replaceAll("(?m)^\\s*#[^\\n]*", "");
    return withoutComments.replace(";", "").isBlank();
  }
}
