package dev.tempdb.core.engine.postgres;

import java.sql.SQLException;

/**
 * The one place the PostgreSQL engine reads SQLSTATEs: errors that heal by themselves apart from
 * errors that need a person, and the few errors a caller expects and steps over. Codes: <a
 * href="https://www.postgresql.org/docs/current/errcodes-appendix.html">PostgreSQL error codes</a>.
 *
 * <p>An error wrapped in another (the pool's "connection is not available" around the driver's
 * error) is judged by the innermost {@link SQLException} that carries a SQLSTATE: that one says
 * what the server or the driver found, the wrappers only pass it on.
 */
final class PostgresErrors {
  /** Loops in a cause chain are possible in principle; no real chain is this long. */
  private static final int MAX_CHAIN = 16;

  private PostgresErrors() {}

  /**
   * Connection exceptions (class 08), transaction rollbacks (40: serialisation failure, deadlock),
   * insufficient resources (53), operator intervention (57: admin shutdown, statement timeout,
   * cannot connect now), system errors (58), lock not available (55P03) and "tuple concurrently
   * updated" heal by themselves; everything else (insufficient privilege, undefined object, syntax,
   * invalid authorization, and a dropped database, 57P04) needs a person. An error without a
   * SQLSTATE says nothing, and counts as transient.
   */
  static boolean isTransient(SQLException e) {
    SQLException d = deciding(e);
    if (d == null) {
      return true;
    }
    String state = d.getSQLState();
    // "tuple concurrently updated" (XX000): a concurrent privilege change outside our lock, e.g. a
    // DBA's GRANT on the same object; trying again succeeds.
    return state.startsWith("08")
        || state.startsWith("40")
        || (state.equals("XX000")
            && String.valueOf(d.getMessage()).contains("concurrently updated"))
        || state.startsWith("53")
        || (state.startsWith("57") && !state.equals("57P04")) // 57P04: the database was dropped
        || state.startsWith("58")
        || state.equals("55P03");
  }

  /**
   * The object exists already: duplicate object (42710), or the unique index of the catalog when
   * another session created it at the same moment (23505).
   */
  static boolean isAlreadyThere(SQLException e) {
    SQLException d = deciding(e);
    String state = d == null ? null : d.getSQLState();
    return "42710".equals(state) || "23505".equals(state);
  }

  /** The innermost SQLException of the cause chain with a SQLSTATE, or null. */
  private static SQLException deciding(SQLException e) {
    SQLException found = null;
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_CHAIN; i++, t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        found = sql;
      }
    }
    return found;
  }
}
