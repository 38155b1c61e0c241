package dev.tempdb.core.engine.mysql;

import dev.tempdb.core.engine.EngineException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How the operator marks its users on MySQL before 8.0.21, which has no user {@code ATTRIBUTE}: a
 * row per user in {@code tempdb_operator.managed_users}, written before the user is created and
 * removed after it is dropped. The orphan sweep lists only users that have a row, so a user a DBA
 * creates by hand with the operator's prefix (and even the generated shape) is never touched: only
 * an account that can write this table can mark one, and no temporary user can (write access to
 * this schema counts as elevated, like writing the mysql schema, see {@link MysqlPrivilegeRules}).
 *
 * <p>It needs {@code CREATE, SELECT, INSERT, DELETE ON tempdb_operator.*} for the admin; the schema
 * is kept apart from the databases targets grant on, since the rows name requests.
 */
final class ManagedUserRegistry {
  static final String SCHEMA = "tempdb_operator";

  /** The same character set and collation as mysql.user.User, so the join compares like. */
  private static final String CREATE_TABLE =
      "CREATE TABLE IF NOT EXISTS `tempdb_operator`.`managed_users` ("
          + " user_name CHAR(32) CHARACTER SET utf8 COLLATE utf8_bin NOT NULL PRIMARY KEY,"
          + " owner VARCHAR(255) NOT NULL,"
          + " created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"
          + ") COMMENT 'tempdb-operator: users it made, for its orphan sweep (MySQL < 8.0.21)'";

  /**
   * Managed users and the epoch second their password was set; parameters: prefix length, prefix.
   */
  static final String LIST =
      "SELECT u.User, UNIX_TIMESTAMP(u.password_last_changed) FROM mysql.user u"
          + " JOIN `tempdb_operator`.`managed_users` m ON m.user_name = u.User"
          + " WHERE LEFT(u.User, ?) = ? ORDER BY u.User";

  private ManagedUserRegistry() {}

  /** Creates the schema and table when missing; refuses with the grant to give when it cannot. */
  static void prepare(Connection c) {
    try (Statement s = c.createStatement()) {
      if (!exists(s)) {
        s.execute("CREATE DATABASE `" + SCHEMA + "`");
      }
      s.execute(CREATE_TABLE);
      s.executeQuery("SELECT COUNT(*) FROM `tempdb_operator`.`managed_users` WHERE 1 = 0").close();
      // Touch no row but need the same privileges as register and forget, so an admin without
      // INSERT or DELETE is told the grant now, not by a failed grant or a revocation that
      // dropped the user but could not forget it.
      s.executeUpdate(
          "INSERT INTO `tempdb_operator`.`managed_users` (user_name, owner)"
              + " SELECT user_name, owner FROM `tempdb_operator`.`managed_users` WHERE 1 = 0");
      s.executeUpdate("DELETE FROM `tempdb_operator`.`managed_users` WHERE 1 = 0");
    } catch (SQLException e) {
      if (MysqlErrors.isTransient(e)) {
        throw new EngineException(
            "could not prepare " + SCHEMA + ".managed_users: " + e.getMessage(), false, e);
      }
      throw new EngineException(
          "this MySQL server is older than 8.0.21 and has no user ATTRIBUTE, so the operator"
              + " records the users it makes in "
              + SCHEMA
              + ".managed_users, which the admin cannot use ("
              + e.getMessage()
              + "); grant the admin CREATE, SELECT, INSERT, DELETE ON "
              + SCHEMA
              + ".*",
          true,
          e);
    }
  }

  /**
   * CREATE DATABASE IF NOT EXISTS only when the schema is missing: MySQL 8.0.15 refuses it for a
   * database-level CREATE grant while the admin has a role active (as an admin that grants roles
   * must), even when the schema exists (measured: "Access denied for user ... to database
   * 'tempdb_operator'"). The schema is visible to an admin with any privilege on it.
   */
  private static boolean exists(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
                + SCHEMA
                + "'")) {
      return rs.next() && rs.getInt(1) > 0;
    }
  }

  /** Before CREATE USER, so that a crash right after it still leaves a marked user. */
  static void register(Connection c, String user, String owner) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "REPLACE INTO `tempdb_operator`.`managed_users` (user_name, owner) VALUES (?, ?)")) {
      ps.setString(1, user);
      ps.setString(2, owner.length() > 255 ? owner.substring(0, 255) : owner);
      ps.executeUpdate();
    }
  }

  /** After the user is dropped (or found gone). */
  static void forget(Connection c, String user) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM `tempdb_operator`.`managed_users` WHERE user_name = ?")) {
      ps.setString(1, user);
      ps.executeUpdate();
    }
  }
}
