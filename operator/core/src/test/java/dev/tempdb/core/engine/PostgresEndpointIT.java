package dev.tempdb.core.engine;

import static dev.tempdb.core.engine.EndpointProbe.serverVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.testing.PostgresFixture;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DatabaseServer's host, port and database reach pgJDBC as values, never as parts of a URL: a
 * database name such as {@code postgres?sslmode=disable} once turned TLS off. The embedded server
 * offers no TLS, so {@code tls.mode: require} must fail against it whatever the spec says.
 */
class PostgresEndpointIT {
  private static PostgresFixture pg;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.get();
  }

  @Test
  void theEmbeddedServerOffersNoTls() {
    assertThat(serverVersion(endpoint("127.0.0.1", pg.port(), "postgres", TlsMode.DISABLE)))
        .startsWith("17.");
    assertThatThrownBy(
            () -> serverVersion(endpoint("127.0.0.1", pg.port(), "postgres", TlsMode.REQUIRE)))
        .rootCause()
        .hasMessageContaining("does not support SSL");
  }

  @Test
  void aConnectionFailureIsReportedAsTheDriverSawItAndTheSameEachTime() {
    EndpointProbe.assertFailuresInTheDriversWords(
        endpoint("127.0.0.1", pg.port(), "postgres", TlsMode.DISABLE),
        endpoint("127.0.0.1", 1, "postgres", TlsMode.DISABLE),
        "password authentication failed for user \"" + PostgresFixture.ADMIN_USER);
  }

  @Test
  void aDatabaseNameThatWouldTurnTlsOffIsRefusedBeforeConnecting() {
    ServerEndpoint injected =
        endpoint("127.0.0.1", pg.port(), "postgres?sslmode=disable", TlsMode.REQUIRE);

    assertThatThrownBy(() -> serverVersion(injected))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("database")
        .hasMessageContaining("letters, digits");
  }

  @Test
  void aHostThatWouldCarryItsOwnPortDatabaseAndSettingsIsRefused() {
    ServerEndpoint injected =
        endpoint(
            "127.0.0.1:" + pg.port() + "/postgres?sslmode=disable&",
            1,
            "postgres",
            TlsMode.REQUIRE);

    assertThatThrownBy(() -> serverVersion(injected))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("host")
        .hasMessageContaining("IPv4");
  }

  @Test
  void aHostThatWouldAddASecondHostIsRefused() {
    ServerEndpoint injected =
        endpoint("nowhere.invalid,127.0.0.1", pg.port(), "postgres", TlsMode.DISABLE);

    assertThatThrownBy(() -> serverVersion(injected))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("host");
  }

  // --- the driver settings themselves, without the name checks in front of them

  @Test
  void theDriverTakesTheDatabaseAsOneNameAndKeepsRequiringTls() {
    String injected = "postgres?sslmode=disable";

    assertThatThrownBy(
            () -> currentDatabase(endpoint("127.0.0.1", pg.port(), injected, TlsMode.REQUIRE)))
        .rootCause()
        .hasMessageContaining("does not support SSL");
    assertThatThrownBy(
            () -> currentDatabase(endpoint("127.0.0.1", pg.port(), injected, TlsMode.DISABLE)))
        .rootCause()
        .hasMessageContaining("database \"" + injected + "\" does not exist");
  }

  @Test
  void theDriverTakesTheHostAsOneName() {
    String injected = "127.0.0.1:" + pg.port() + "/postgres?sslmode=disable&";

    assertThatThrownBy(() -> currentDatabase(endpoint(injected, 1, "postgres", TlsMode.DISABLE)))
        .rootCause()
        .isInstanceOf(UnknownHostException.class);
  }

  @Test
  void theDriverSettingsReachTheServer() throws SQLException {
    assertThat(currentDatabase(endpoint("127.0.0.1", pg.port(), "postgres", TlsMode.DISABLE)))
        .isEqualTo("postgres");
    assertThat(currentDatabase(endpoint("localhost", pg.port(), "postgres", TlsMode.DISABLE)))
        .isEqualTo("postgres");
  }

  @Test
  void anIpv6AddressReachesTheDriverAsOneAddress() {
    // The embedded server listens on 127.0.0.1 only: the refusal shows where the driver went.
    for (String host : new String[] {"::1", "[::1]"}) {
      assertThatThrownBy(
              () -> currentDatabase(endpoint(host, pg.port(), "postgres", TlsMode.DISABLE)))
          .as(host)
          .hasStackTraceContaining("Connection to ::1:" + pg.port() + " refused");
    }
  }

  /** The fixture's admin on this host, port and database, failing within about 2 s. */
  private static ServerEndpoint endpoint(String host, int port, String database, TlsMode tls) {
    return EndpointProbe.at(pg.endpoint("test/pg-endpoint"), host, port, database, tls);
  }

  private static String currentDatabase(ServerEndpoint server) throws SQLException {
    HikariConfig config = DatabaseEngines.postgresConfig(server);
    try (HikariDataSource pool = new HikariDataSource(config);
        Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_database()")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
