package dev.tempdb.core.engine;

import static dev.tempdb.core.engine.EndpointProbe.serverVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A DatabaseServer's host, port and database reach Connector/J as values, never as parts of a URL.
 * Pasted into one, a database name could switch on driver settings the operator leaves off (such as
 * {@code allowLoadLocalInfile}, which lets the server read the operator's files), and a host with
 * {@code @} could log in as another user with the admin password. Written once, run against MariaDB
 * ({@link MariaDbEndpointIT}) and MySQL 8 ({@link MySql8EndpointIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MysqlFamilyEndpointContract {
  static final String OTHER_USER = "tdb_endpoint_other";
  MysqlFamilyServer db;

  /** The server under test, started once per JVM. */
  abstract MysqlFamilyServer server();

  /** Every way of naming this machine that the server under test listens on. */
  abstract List<String> loopbackHosts();

  @BeforeAll
  void start() {
    db = server();
    // Shares the admin's password, so a login as this user shows the host chose the user.
    db.admin(
        "DROP USER IF EXISTS " + OTHER_USER,
        "CREATE USER " + OTHER_USER + " IDENTIFIED BY '" + db.adminPassword() + "'",
        "GRANT SELECT ON " + db.database() + ".* TO " + OTHER_USER);
  }

  @Test
  void tlsModeDecidesWhetherTheSessionIsEncrypted() throws SQLException {
    // Both servers offer TLS with a certificate of their own, so require succeeds here.
    Session required = session(endpoint("127.0.0.1", db.port(), "app", TlsMode.REQUIRE));
    Session disabled = session(endpoint("127.0.0.1", db.port(), "app", TlsMode.DISABLE));

    assertThat(required.user()).startsWith(db.adminUser() + "@");
    assertThat(required.tlsCipher()).isNotEmpty();
    assertThat(disabled.tlsCipher()).isEmpty();
  }

  @Test
  void aDatabaseNameWithDriverSettingsIsRefusedBeforeConnecting() {
    for (String injected : new String[] {"app?sslMode=DISABLED", "app?allowLoadLocalInfile=true"}) {
      assertThatThrownBy(
              () -> serverVersion(endpoint("127.0.0.1", db.port(), injected, TlsMode.REQUIRE)))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("database")
          .hasMessageContaining("letters, digits");
    }
  }

  @Test
  void aHostThatWouldChooseTheUserOrCarrySettingsIsRefused() {
    for (String injected :
        new String[] {
          OTHER_USER + "@127.0.0.1", "127.0.0.1:" + db.port() + "/app?sslMode=DISABLED&"
        }) {
      assertThatThrownBy(() -> serverVersion(endpoint(injected, db.port(), "app", TlsMode.DISABLE)))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("host")
          .hasMessageContaining("IPv4");
    }
  }

  // --- the driver settings themselves, without the name checks in front of them

  @Test
  void theDriverTakesTheDatabaseAsOneName() {
    for (String injected : new String[] {"app?sslMode=DISABLED", "app?allowLoadLocalInfile=true"}) {
      assertThatThrownBy(() -> session(endpoint("127.0.0.1", db.port(), injected, TlsMode.REQUIRE)))
          .rootCause()
          .hasMessageContaining("Unknown database '" + injected + "'");
    }
  }

  @Test
  void aConnectionFailureIsReportedAsTheDriverSawItAndTheSameEachTime() {
    EndpointProbe.assertFailuresInTheDriversWords(
        endpoint("127.0.0.1", db.port(), "app", TlsMode.DISABLE),
        endpoint("127.0.0.1", 1, "app", TlsMode.DISABLE),
        "Access denied for user '" + db.adminUser() + "'");
  }

  @Test
  void theDriverTakesTheHostAsOneName() {
    assertThatThrownBy(
            () -> session(endpoint(OTHER_USER + "@127.0.0.1", db.port(), "app", TlsMode.DISABLE)))
        .rootCause()
        .isInstanceOf(UnknownHostException.class);
  }

  @Test
  void theDriverSettingsReachTheServer() throws SQLException {
    for (String host : loopbackHosts()) {
      Session session = session(endpoint(host, db.port(), "app", TlsMode.REQUIRE));
      assertThat(session.user()).as(host).startsWith(db.adminUser() + "@");
      assertThat(session.database()).as(host).isEqualTo("app");
      assertThat(session.tlsCipher()).as(host).isNotEmpty();
    }
  }

  /** The fixture's admin on this host, port and database, failing within about 2 s. */
  ServerEndpoint endpoint(String host, int port, String database, TlsMode tls) {
    return EndpointProbe.at(db.endpoint("test/endpoint"), host, port, database, tls);
  }

  record Session(String user, String database, String tlsCipher) {}

  /** Who the driver settings log in as, in which database, and whether over TLS. */
  static Session session(ServerEndpoint server) throws SQLException {
    HikariConfig config = DatabaseEngines.mysqlConfig(server);
    try (HikariDataSource pool = new HikariDataSource(config);
        Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      String user;
      String database;
      try (ResultSet rs = s.executeQuery("SELECT CURRENT_USER(), DATABASE()")) {
        rs.next();
        user = rs.getString(1);
        database = rs.getString(2);
      }
      // SHOW STATUS on both: MySQL 8 has no information_schema.SESSION_STATUS.
      try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
        return new Session(user, database, rs.next() ? rs.getString(2) : "");
      }
    }
  }
}
