package dev.tempdb.operator.testing;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A server of the MySQL family (MariaDB, MySQL 8) as the scenarios see it: both speak the same
 * account statements for everything a scenario does, so one implementation serves both.
 */
abstract class MysqlFamilyTestDatabase implements TestDatabase {
  private final MysqlFamilyServer db;

  MysqlFamilyTestDatabase(MysqlFamilyServer db) {
    this.db = db;
  }

  @Override
  public Engine engine() {
    return db.engine();
  }

  @Override
  public int port() {
    return db.port();
  }

  @Override
  public String database() {
    return db.database();
  }

  @Override
  public String adminUser() {
    return db.adminUser();
  }

  @Override
  public String adminPassword() {
    return db.adminPassword();
  }

  @Override
  public ServerEndpoint endpoint(String name) {
    return db.endpoint(name);
  }

  @Override
  public void recreateSchema(String schema, String... tableDefinitions) {
    db.admin("DROP DATABASE IF EXISTS " + schema, "CREATE DATABASE " + schema);
    for (String table : tableDefinitions) {
      db.admin("CREATE TABLE " + schema + "." + table);
    }
  }

  @Override
  public void admin(String... statements) {
    db.admin(statements);
  }

  @Override
  public String readonlySql(String schema) {
    return "GRANT SELECT ON " + schema + ".* TO {username};";
  }

  @Override
  public Connection login(String user, String password) throws SQLException {
    return db.login(user, password);
  }

  @Override
  public List<String> usersStartingWith(String prefix) {
    return strings("SELECT User FROM mysql.user WHERE LEFT(User, ?) = ?", prefix.length(), prefix);
  }

  @Override
  public void createLoginUser(String name, String password) {
    db.admin(
        "DROP USER IF EXISTS '" + name + "'@'%'",
        "CREATE USER '" + name + "'@'%' IDENTIFIED BY '" + password + "'");
  }

  /** MySQL makes the role an account at host %, MariaDB a role without host: same statements. */
  @Override
  public void createReadRole(String role, String schema) {
    db.admin(
        "DROP ROLE IF EXISTS " + role,
        "CREATE ROLE " + role,
        "GRANT SELECT ON " + schema + ".* TO " + role);
  }

  @Override
  public void grantRole(String role, String user) {
    db.admin("GRANT " + role + " TO '" + user + "'@'%'");
  }

  @Override
  public void createUnmanagedUser(String name) {
    db.admin("CREATE USER '" + name + "'@'%' IDENTIFIED BY 'Unmanaged-1'");
  }

  /**
   * Neither server keeps an expiry time for an account; what ends access on the server is the
   * operator's one-shot expiry event for the user (which locks it and ends its sessions), so its
   * time is this. Whole seconds: the event is scheduled as CURRENT_TIMESTAMP + n SECOND. Empty when
   * there is no event (it ran, or was dropped with the user).
   */
  @Override
  public Optional<Instant> databaseExpiry(String user) {
    // EXECUTE_AT is shown in the event's time zone (the creating session's, here SYSTEM).
    List<String> at =
        strings(
            "SELECT UNIX_TIMESTAMP(CONVERT_TZ(EXECUTE_AT, TIME_ZONE, @@session.time_zone))"
                + " FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? AND EVENT_NAME = ?",
            db.database(),
            "tempdb_expire_" + user);
    if (at.size() > 1 || (at.size() == 1 && at.get(0) == null)) {
      throw new IllegalStateException("unreadable expiry event of " + user + ": " + at);
    }
    return at.stream().findFirst().map(s -> Instant.ofEpochSecond(Long.parseLong(s)));
  }

  @Override
  public String pinnableGrantSql() {
    db.admin("CREATE DATABASE IF NOT EXISTS pins");
    return readonlySql("pins");
  }

  /** A view with the user as DEFINER: dropping the user would break it. */
  @Override
  public Runnable pin(String user, String password) {
    String view = "pins.v_" + user;
    db.admin("CREATE DEFINER = '" + user + "'@'%' VIEW " + view + " AS SELECT 1 AS one");
    return () -> db.admin("DROP VIEW " + view);
  }

  @Override
  public String permissionDenied() {
    return "denied";
  }

  /** The first column of every row, as text, of a query run as the admin. */
  private List<String> strings(String sql, Object... params) {
    List<String> values = new ArrayList<>();
    try (Connection c = db.login(db.adminUser(), db.adminPassword());
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return values;
  }
}
