package dev.tempdb.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.TlsMode;
import java.time.Clock;
import java.time.Duration;

/**
 * What the endpoint ITs of both engines do alike: put a fixture's admin on another host, port,
 * database and TLS mode, as a hostile DatabaseServer would, and ask a real engine for the server
 * version through it.
 */
final class EndpointProbe {
  private EndpointProbe() {}

  /** The fixture's admin on this host, port and database, failing within about 2 s. */
  static ServerEndpoint at(
      ServerEndpoint fixture, String host, int port, String database, TlsMode tls) {
    return new ServerEndpoint(
        fixture.name(),
        fixture.engine(),
        host,
        port,
        database,
        fixture.adminUser(),
        fixture.adminPassword(),
        tls,
        null,
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        1,
        null);
  }

  /** The same endpoint with another admin password. */
  static ServerEndpoint withPassword(ServerEndpoint server, String password) {
    return new ServerEndpoint(
        server.name(),
        server.engine(),
        server.host(),
        server.port(),
        server.database(),
        server.adminUser(),
        password,
        server.tlsMode(),
        server.caPem(),
        server.connectTimeout(),
        server.statementTimeout(),
        server.maxConnections(),
        server.reassignOwnedTo());
  }

  /**
   * A login the server refuses and a port nobody listens on are reported in the driver's words, the
   * login failure the same on every attempt, and without the password: not as the pool's
   * "Connection is not available, request timed out after 2001ms", which hid the cause and, with
   * its changing numbers, rewrote status and warned again on every retry.
   */
  static void assertFailuresInTheDriversWords(
      ServerEndpoint server, ServerEndpoint closed, String loginRefused) {
    String wrongPassword = "not-the-admin-password-" + System.nanoTime();
    ServerEndpoint wrong = withPassword(server, wrongPassword);

    String refusedLogin = failureOf(wrong);
    String refusedConnection = failureOf(closed);

    assertThat(refusedLogin)
        .contains(loginRefused)
        .doesNotContain("Connection is not available")
        .doesNotContain(wrongPassword)
        .isEqualTo(failureOf(wrong));
    assertThat(refusedConnection)
        .containsIgnoringCase("refused")
        .doesNotContain("Connection is not available");
  }

  /** The message of the failure that asking for the server version ends in. */
  static String failureOf(ServerEndpoint server) {
    try {
      String version = serverVersion(server);
      throw new AssertionError("expected a failure, but the server answered " + version);
    } catch (EngineException e) {
      return e.getMessage();
    }
  }

  /** Opens an engine on the endpoint, which checks its names first, and closes it again. */
  static String serverVersion(ServerEndpoint server) {
    try (DatabaseEngine engine = DatabaseEngines.open(server, Clock.systemUTC())) {
      return engine.serverVersion();
    }
  }
}
