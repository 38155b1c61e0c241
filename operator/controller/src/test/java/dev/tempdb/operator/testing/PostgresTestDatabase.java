package dev.tempdb.operator.testing;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The embedded PostgreSQL; the DatabaseServer {@code pg} connects to its postgres database. */
final class PostgresTestDatabase implements TestDatabase {
  private final PostgresFixture pg = PostgresFixture.get();

  @Override
  public String key() {
    return "pg";
  }

  @Override
  public Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  public int port() {
    return pg.port();
  }

  @Override
  public String database() {
    return "postgres";
  }

  @Override
  public String adminUser() {
    return PostgresFixture.ADMIN_USER;
  }

  @Override
  public String adminPassword() {
    return PostgresFixture.ADMIN_PASSWORD;
  }

  @Override
  public ServerEndpoint endpoint(String name) {
    return pg.endpoint(name);
  }

  @Override
  public void recreateSchema(String schema, String... tableDefinitions) {
    pg.superuser("DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema);
    for (String table : tableDefinitions) {
      pg.superuser("CREATE TABLE " + schema + "." + table);
    }
  }

  @Override
  public void admin(String... statements) {
    pg.superuser(statements);
  }

  @Override
  public String readonlySql(String schema) {
    return "GRANT USAGE ON SCHEMA "
        + schema
        + " TO {username};\nGRANT SELECT ON ALL TABLES IN SCHEMA "
        + schema
        + " TO {username};";
  }

  @Override
  public Connection login(String user, String password) throws SQLException {
    return pg.login(user, password);
  }

  @Override
  public List<String> usersStartingWith(String prefix) {
    List<String> names = new ArrayList<>();
    try (Connection c = pg.superuserDataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT rolname FROM pg_roles WHERE starts_with(rolname, ?)")) {
      ps.setString(1, prefix);
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
    pg.superuser(
        "DROP ROLE IF EXISTS " + name,
        "CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'");
  }

  @Override
  public void createReadRole(String role, String schema) {
    pg.superuser(
        "DROP ROLE IF EXISTS " + role,
        "CREATE ROLE " + role + " NOLOGIN",
        "GRANT USAGE ON SCHEMA " + schema + " TO " + role,
        "GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + role);
  }

  @Override
  public void grantRole(String role, String user) {
    pg.superuser("GRANT " + role + " TO " + user);
  }

  @Override
  public void createUnmanagedUser(String name) {
    pg.superuser("CREATE ROLE " + name + " LOGIN");
  }

  @Override
  public Optional<Instant> databaseExpiry(String user) {
    try (Connection c = pg.superuserDataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT rolvaliduntil FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Timestamp until = rs.getTimestamp(1);
        return Optional.ofNullable(until).map(Timestamp::toInstant);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String pinnableGrantSql() {
    pg.superuser("DROP DATABASE IF EXISTS elsewhere", "CREATE DATABASE elsewhere");
    return "GRANT CREATE ON DATABASE elsewhere TO {username};";
  }

  /**
   * A schema owned by the user in another database, which then stops accepting connections: the
   * revocation cannot hand it over there, so the user cannot be dropped. The DBA's fix lets
   * connections in again, and the next retry hands the schema to the heir.
   */
  @Override
  public Runnable pin(String user, String password) throws SQLException {
    try (Connection c = pg.login("elsewhere", user, password)) {
      c.createStatement().execute("CREATE SCHEMA pinned_" + user);
    }
    pg.superuser("ALTER DATABASE elsewhere ALLOW_CONNECTIONS false");
    return () -> pg.superuser("ALTER DATABASE elsewhere ALLOW_CONNECTIONS true");
  }

  @Override
  public String permissionDenied() {
    return "permission denied";
  }
}
