package dev.tempdb.core.engine.postgres;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The setup the engine's ITs share on the embedded PostgreSQL, registered on a static field with
 * {@code @RegisterExtension}: before the class, its superuser statements (usually a schema of its
 * own, made afresh), then an engine logged in as the fixture's admin, closed after the class. Also
 * what the tests do alike with the users they create: grant, log in, run statements as them, and
 * open engines with another heir or another admin.
 */
final class PgTestbed implements BeforeAllCallback, AfterAllCallback {
  private final String endpointName;
  private final List<String> setup;
  private PostgresFixture pg;
  private PgCatalog catalog;
  private DatabaseEngine engine;

  private PgTestbed(String endpointName, List<String> setup) {
    this.endpointName = endpointName;
    this.setup = setup;
  }

  /** An engine on the fixture's admin, as DatabaseServer {@code endpointName}; nothing set up. */
  static PgTestbed withEngine(String endpointName) {
    return new PgTestbed(endpointName, List.of());
  }

  /**
   * As {@link #withEngine}, after dropping and creating {@code schema} and running {@code more}, as
   * the bootstrap superuser: the server is shared, so what an earlier run left must go.
   */
  static PgTestbed withSchema(String endpointName, String schema, String... more) {
    List<String> setup = new ArrayList<>();
    setup.add("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    setup.add("CREATE SCHEMA " + schema);
    setup.addAll(List.of(more));
    return new PgTestbed(endpointName, List.copyOf(setup));
  }

  /** Only these superuser statements, no engine: for tests that open their own. */
  static PgTestbed withoutEngine(String... setup) {
    return new PgTestbed(null, List.of(setup));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    pg = PostgresFixture.get();
    catalog = new PgCatalog(pg);
    if (!setup.isEmpty()) {
      pg.superuser(setup.toArray(String[]::new));
    }
    if (endpointName != null) {
      engine = DatabaseEngines.open(pg.endpoint(endpointName), Clock.systemUTC());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (engine != null) {
      engine.close();
    }
  }

  PostgresFixture pg() {
    return pg;
  }

  PgCatalog catalog() {
    return catalog;
  }

  /** The class's engine, on the fixture's admin with the operator's own heir. */
  DatabaseEngine engine() {
    if (engine == null) {
      throw new IllegalStateException("this testbed was made withoutEngine");
    }
    return engine;
  }

  /** An engine on the fixture's admin whose DatabaseServer sets reassignOwnedTo to {@code heir}. */
  DatabaseEngine engineWithHeir(String endpointName, String heir) {
    return DatabaseEngines.open(withHeir(pg.endpoint(endpointName), heir), Clock.systemUTC());
  }

  /**
   * An engine that logs in as {@code admin}, with an heir the endpoint cannot express (an
   * operator-managed one of another name) or an admin other than the fixture's.
   */
  DatabaseEngine engineAs(String admin, String password, OrphanOwner heir) {
    return new PostgresEngine(
        login(admin, password),
        null,
        database -> pg.login(database, admin, password),
        heir,
        Clock.systemUTC());
  }

  /** Logs in to the postgres database over TCP with a password, one connection per call. */
  DataSource login(String user, String password) {
    PGSimpleDataSource login = new PGSimpleDataSource();
    login.setUrl("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres");
    login.setUser(user);
    login.setPassword(password);
    return login;
  }

  /** Logs in as the user, as a requester would, and runs the statements in that one session. */
  void runAs(String user, String password, String... statements) throws SQLException {
    try (Connection c = pg.login(user, password);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** A grant for an hour, three connections, requested by {@code ns/<user>}. */
  static UserGrant grant(String user, String password, String sql) {
    return new UserGrant(user, password, Instant.now().plusSeconds(3600), 3, sql, "ns/" + user);
  }

  /** The fixture's endpoint with another reassignOwnedTo and one connection. */
  static ServerEndpoint withHeir(ServerEndpoint base, String heir) {
    return new ServerEndpoint(
        base.name(),
        Engine.POSTGRESQL,
        base.host(),
        base.port(),
        base.database(),
        base.adminUser(),
        base.adminPassword(),
        base.tlsMode(),
        base.caPem(),
        base.connectTimeout(),
        base.statementTimeout(),
        1,
        heir);
  }
}
