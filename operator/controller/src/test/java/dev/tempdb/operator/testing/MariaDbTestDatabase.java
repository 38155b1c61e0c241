package dev.tempdb.operator.testing;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.testing.MariaDbFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The embedded MariaDB; the DatabaseServer {@code maria} connects to its app database. */
final class MariaDbTestDatabase implements TestDatabase {
  private final MariaDbFixture db = MariaDbFixture.get();

  @Override
  public String key() {
    return "maria";
  }

  @Override
  public Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  public int port() {
    return db.port();
  }

  @Override
  public String database() {
    return MariaDbFixture.DATABASE;
  }

  @Override
  public String adminUser() {
    return MariaDbFixture.ADMIN_USER;
  }

  @Override
  public String adminPassword() {
    return MariaDbFixture.ADMIN_PASSWORD;
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
    List<String> names = new ArrayList<>();
    try (Connection c = db.login(MariaDbFixture.ADMIN_USER, MariaDbFixture.ADMIN_PASSWORD);
        PreparedStatement ps =
            c.prepareStatement("SELECT User FROM mysql.user WHERE LEFT(User, ?) = ?")) {
      ps.setInt(1, prefix.length());
      ps.setString(2, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return names;
  }

  @Override
  public void createLoginUser(String name, String password) {
    db.admin(
        "DROP USER IF EXISTS '" + name + "'@'%'",
        "CREATE USER '" + name + "'@'%' IDENTIFIED BY '" + password + "'");
  }

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

  /** MariaDB keeps no expiry time for an account. */
  @Override
  public Optional<Instant> databaseExpiry(String user) {
    return Optional.empty();
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
}
