package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.mysql.MysqlSql.account;
import static dev.tempdb.core.engine.mysql.MysqlSql.identifier;
import static dev.tempdb.core.engine.mysql.MysqlSql.literal;

/**
 * The expiry events of {@link MysqlDialect}: one-shot server-side events that end an account's
 * access at its expiry even while the operator is down. MariaDB ends the sessions with {@code KILL
 * CONNECTION USER}; MySQL has no such form, so its event walks the process list.
 */
final class MysqlExpiryEventSql {
  private final MysqlFlavor flavor;

  MysqlExpiryEventSql(MysqlFlavor flavor) {
    this.flavor = flavor;
  }

  /**
   * A one-shot event that locks the account and ends its sessions at the expiry, so the server
   * itself ends access when the operator is down. Scheduled relative to the server's clock ({@code
   * CURRENT_TIMESTAMP + INTERVAL}), so neither clock skew nor time zones move it. It lives in the
   * admin connection's database and runs as the admin.
   */
  String createExpiryEvent(String user, String host, long secondsFromNow) {
    String lockAndKill =
        flavor == MysqlFlavor.MARIADB
            ? "BEGIN ALTER USER "
                + account(user, host)
                + " ACCOUNT LOCK; KILL CONNECTION USER "
                + literal(user)
                + "; END"
            : "BEGIN DECLARE done INT DEFAULT 0; DECLARE sid BIGINT;"
                + " DECLARE sessions CURSOR FOR SELECT ID FROM information_schema.PROCESSLIST"
                + " WHERE USER = "
                + literal(user)
                + "; DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;"
                + " ALTER USER "
                + account(user, host)
                + " ACCOUNT LOCK; OPEN sessions; ending: LOOP FETCH sessions INTO sid;"
                + " IF done THEN LEAVE ending; END IF; KILL CONNECTION sid; END LOOP;"
                + " CLOSE sessions; END";
    return "CREATE EVENT "
        + expiryEvent(user)
        + " ON SCHEDULE AT CURRENT_TIMESTAMP + INTERVAL "
        + Math.max(1, secondsFromNow)
        + " SECOND ON COMPLETION NOT PRESERVE COMMENT "
        + literal(MysqlDialect.MARKER + ": ends the access of " + user + " at its expiry")
        + " DO "
        + lockAndKill;
  }

  String dropExpiryEvent(String user) {
    return "DROP EVENT IF EXISTS " + expiryEvent(user);
  }

  private static String expiryEvent(String user) {
    return identifier("tempdb_expire_" + user);
  }

  /** Whether the event scheduler runs ('ON'); events are created only then. */
  String eventSchedulerQuery() {
    return "SELECT @@GLOBAL.event_scheduler";
  }
}
