package dev.tempdb.core.engine.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine learns about the server on first contact.
 *
 * @param hashOnly whether MariaDB may be sent password hashes (no password-validation plugin, which
 *     refuses hashes it cannot check)
 * @param events whether expiry events are created (the event scheduler runs)
 */
record MysqlServer(String version, MysqlDialect dialect, boolean hashOnly, boolean events) {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlServer.class);

  /** Reads the version and settings, and prepares the user registry where the server needs one. */
  static MysqlServer discover(Connection c) throws SQLException {
    String version;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT VERSION()")) {
      rs.next();
      version = rs.getString(1);
    }
    MysqlFlavor flavor = MysqlFlavor.fromVersion(version);
    MysqlDialect dialect = new MysqlDialect(flavor, MysqlFlavor.hasUserAttributes(version));
    if (dialect.usesRegistry()) {
      ManagedUserRegistry.prepare(c);
    }
    boolean validationPlugin = false;
    if (dialect.flavor() == MysqlFlavor.MARIADB) {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(dialect.passwordValidationQuery())) {
        validationPlugin = rs.next() && rs.getInt(1) > 0;
      }
    }
    boolean events;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(dialect.eventSchedulerQuery())) {
      events = rs.next() && "ON".equalsIgnoreCase(rs.getString(1));
    }
    if (!events) {
      LOG.warn(
          "The event scheduler is off on this {} server: expiry is enforced by the operator only"
              + " (set event_scheduler=ON to have the server enforce it)",
          dialect.flavor());
    }
    return new MysqlServer(version, dialect, !validationPlugin, events);
  }
}
