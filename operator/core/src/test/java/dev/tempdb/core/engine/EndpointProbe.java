package dev.tempdb.core.engine;

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
