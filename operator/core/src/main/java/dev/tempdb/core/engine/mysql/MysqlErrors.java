package dev.tempdb.core.engine.mysql;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** Tells errors that heal by themselves from errors that need a person. */
final class MysqlErrors {
  /**
   * Too many connections (1040), per-user connection limit (1203), lock wait timeout (1205),
   * deadlock (1213), query interrupted (1317), connection killed (1927), MariaDB statement timeout
   * (1969), MySQL execution timeout (3024), server gone away or lost (2006, 2013).
   */
  private static final Set<Integer> TRANSIENT_CODES =
      Set.of(1040, 1203, 1205, 1213, 1317, 1927, 1969, 3024, 2006, 2013);

  private MysqlErrors() {}

  static boolean isTransient(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
      return true;
    }
    String state = e.getSQLState();
    return state == null
        || state.startsWith("08")
        || state.startsWith("40")
        || state.equals("70100")
        || TRANSIENT_CODES.contains(e.getErrorCode());
  }
}
