package dev.tempdb.core.engine.mysql;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * The one place the MySQL/MariaDB engine reads SQLSTATEs and vendor codes: errors that heal by
 * themselves apart from errors that need a person, and the few errors a caller expects and steps
 * over.
 *
 * <p>An error wrapped in another (the pool's "connection is not available" around the driver's
 * "access denied") is judged by the innermost {@link SQLException} that carries a SQLSTATE or a
 * vendor code: that one says what the server or the driver found, the wrappers only pass it on.
 */
final class MysqlErrors {
  /**
   * Too many connections (1040), per-user connection limit (1203), lock wait timeout (1205),
   * deadlock (1213), query interrupted (1317), connection killed (1927), MariaDB statement timeout
   * (1969), MySQL execution timeout (3024), cannot connect through the socket or to the host (2002,
   * 2003), server gone away or lost (2006, 2013).
   */
  private static final Set<Integer> TRANSIENT_CODES =
      Set.of(1040, 1203, 1205, 1213, 1317, 1927, 1969, 3024, 2002, 2003, 2006, 2013);

  private static final int PARSE_ERROR = 1064;
  private static final int UNKNOWN_THREAD = 1094;
  private static final int NO_SUCH_GRANT = 1141;

  /** Loops in a cause chain are possible in principle; no real chain is this long. */
  private static final int MAX_CHAIN = 16;

  private MysqlErrors() {}

  /**
   * Connection failures (SQLSTATE class 08, the driver's transient and recoverable exceptions),
   * transaction rollbacks (class 40: deadlock, serialisation), a cancelled statement (70100) and
   * the vendor codes above heal by themselves; everything else (access denied, syntax, a failed
   * account operation, a missing object) needs a person. An error that carries neither a SQLSTATE
   * nor a vendor code says nothing, and counts as transient.
   */
  static boolean isTransient(SQLException e) {
    SQLException d = deciding(e);
    if (d == null) {
      return true;
    }
    if (d instanceof SQLTransientException || d instanceof SQLRecoverableException) {
      return true;
    }
    String state = d.getSQLState();
    return TRANSIENT_CODES.contains(d.getErrorCode())
        || (state != null
            && (state.startsWith("08") || state.startsWith("40") || state.equals("70100")));
  }

  /** KILL of a session that ended meanwhile (1094). */
  static boolean isUnknownThread(SQLException e) {
    return errorCode(e) == UNKNOWN_THREAD;
  }

  /** A statement the server could not parse (1064), e.g. a name an older server does not know. */
  static boolean isParseError(SQLException e) {
    return errorCode(e) == PARSE_ERROR;
  }

  /** SHOW GRANTS for an account or role the server has no grants for (1141). */
  static boolean isNoSuchGrant(SQLException e) {
    return errorCode(e) == NO_SUCH_GRANT;
  }

  private static int errorCode(SQLException e) {
    SQLException d = deciding(e);
    return d == null ? 0 : d.getErrorCode();
  }

  /** The innermost SQLException of the cause chain with a SQLSTATE or vendor code, or null. */
  private static SQLException deciding(SQLException e) {
    SQLException found = null;
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_CHAIN; i++, t = t.getCause()) {
      if (t instanceof SQLException sql && (sql.getSQLState() != null || sql.getErrorCode() != 0)) {
        found = sql;
      }
    }
    return found;
  }
}
