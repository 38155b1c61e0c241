package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * OwnedObjects.Reassign: what a departing user leaves behind goes to a role that cannot log in and
 * holds nothing, never to the admin; a configured heir that fails that check stops the revocation
 * with the user locked and a message that names the heir and the fix.
 */
class OrphanOwnerIT {
  private static final String SCHEMA = "oo_app";
  private static final String DEFAULT_HEIR = "tempdb_orphans";
  private static PostgresFixture pg;
  private static PgCatalog catalog;
  private static DatabaseEngine engine;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.get();
    catalog = new PgCatalog(pg);
    pg.superuser("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE", "CREATE SCHEMA " + SCHEMA);
    engine = DatabaseEngines.open(pg.endpoint("test/orphans"), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  /** A user with CREATE on the schema that made a table (with a row), a view and a function. */
  private static String userWithObjects(DatabaseEngine on, String password) throws SQLException {
    String user = PgCatalog.unique("tdb_oo_");
    on.provision(
        new UserGrant(
            user,
            password,
            Instant.now().plusSeconds(3600),
            3,
            "GRANT USAGE, CREATE ON SCHEMA " + SCHEMA + " TO {username};",
            "ns/" + user));
    try (Connection c = pg.login(user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE oo_app.t_" + user + " (x int)");
      s.execute("INSERT INTO oo_app.t_" + user + " VALUES (42)");
      s.execute("CREATE VIEW oo_app.v_" + user + " AS SELECT x FROM oo_app.t_" + user);
      s.execute("CREATE FUNCTION oo_app.f_" + user + "() RETURNS int LANGUAGE sql AS $$SELECT 1$$");
    }
    return user;
  }

  @Test
  void leftoversGoToTheOperatorsHeirWhichCannotLogInAndHoldsNothing() throws SQLException {
    String user = userWithObjects(engine, Passwords.generate());

    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);

    assertThat(catalog.relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(DEFAULT_HEIR);
    assertThat(catalog.relationOwner("postgres", SCHEMA, "v_" + user)).isEqualTo(DEFAULT_HEIR);
    assertThat(
            catalog.value(
                "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'f_" + user + "'"))
        .isEqualTo(DEFAULT_HEIR);
    assertThat(catalog.value("SELECT x FROM oo_app.t_" + user)).as("data kept").isEqualTo("42");
    assertThat(
            catalog.value(
                "SELECT concat_ws(',', rolcanlogin, rolsuper, rolcreaterole, rolcreatedb,"
                    + " rolreplication, rolbypassrls) FROM pg_roles WHERE rolname = '"
                    + DEFAULT_HEIR
                    + "'"))
        .as("login, superuser, createrole, createdb, replication, bypassrls")
        .isEqualTo("f,f,f,f,f,f");
    assertThat(catalog.memberships(DEFAULT_HEIR)).as("roles the heir is a member of").isEmpty();
    assertThat(
            catalog.value(
                "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = '"
                    + DEFAULT_HEIR
                    + "'"))
        .contains("tempdb-operator");
    assertThat(engine.listManagedUsers("tempdb_"))
        .as("the heir is no temporary user, so the orphan sweep never drops it")
        .isEmpty();
  }

  @Test
  void aConfiguredHeirThatCanLogInIsRefusedAndTheUserIsLeftLocked() throws SQLException {
    String heir = PgCatalog.unique("oo_login_heir_");
    pg.superuser("CREATE ROLE " + heir + " LOGIN PASSWORD '" + Passwords.generate() + "'");
    try (DatabaseEngine heirEngine =
        DatabaseEngines.open(
            PgCatalog.withHeir(pg.endpoint("test/login-heir"), heir), Clock.systemUTC())) {
      String password = Passwords.generate();
      String user = userWithObjects(heirEngine, password);
      Connection session = pg.login(user, password);
      session.createStatement().execute("SELECT 1");

      RevocationResult result = heirEngine.revoke(user, null);

      assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
      assertThat(result.sessionsTerminated()).isGreaterThanOrEqualTo(1);
      assertThat(result.detail())
          .contains("role " + heir)
          .contains("can log in")
          .contains("spec.reassignOwnedTo")
          .contains("left locked")
          .doesNotContain(password);
      assertThatThrownBy(() -> session.createStatement().execute("SELECT 1"))
          .isInstanceOf(SQLException.class);
      session.close();
      assertThat(catalog.roleExists(user)).isTrue();
      assertThatThrownBy(() -> pg.login(user, password)).isInstanceOf(SQLException.class);
      assertThat(catalog.relationOwner("postgres", SCHEMA, "t_" + user))
          .as("nothing reassigned")
          .isEqualTo(user);

      // Once the heir is fixed, the next attempt goes through.
      pg.superuser("ALTER ROLE " + heir + " NOLOGIN PASSWORD NULL");
      assertThat(heirEngine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
      assertThat(catalog.relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(heir);
    }
  }

  @Test
  void theAdminIsNeverTheHeirEvenWhenConfigured() throws SQLException {
    try (DatabaseEngine heirEngine =
        DatabaseEngines.open(
            PgCatalog.withHeir(pg.endpoint("test/admin-heir"), PostgresFixture.ADMIN_USER),
            Clock.systemUTC())) {
      String user = userWithObjects(heirEngine, Passwords.generate());

      RevocationResult result = heirEngine.revoke(user, null);

      assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
      assertThat(result.detail())
          .contains("role " + PostgresFixture.ADMIN_USER)
          .contains("the operator's own admin")
          .contains("spec.reassignOwnedTo");
      assertThat(catalog.relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(user);
    }
  }

  @Test
  void aHeirWithAttributesOrMembershipsIsRefused() throws SQLException {
    String heir = PgCatalog.unique("oo_rich_heir_");
    String group = PgCatalog.unique("oo_group_");
    pg.superuser(
        "CREATE ROLE " + group + " NOLOGIN",
        "CREATE ROLE " + heir + " NOLOGIN CREATEDB BYPASSRLS",
        "GRANT " + group + " TO " + heir);
    try (DatabaseEngine heirEngine =
        DatabaseEngines.open(
            PgCatalog.withHeir(pg.endpoint("test/rich-heir"), heir), Clock.systemUTC())) {
      String user = userWithObjects(heirEngine, Passwords.generate());

      RevocationResult result = heirEngine.revoke(user, null);

      assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
      assertThat(result.detail())
          .contains("role " + heir)
          .contains("CREATEDB")
          .contains("BYPASSRLS")
          .contains("member of " + group)
          .doesNotContain("can log in");
      assertThat(catalog.relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(user);
    }
  }

  @Test
  void aConfiguredHeirThatDoesNotExistIsRefusedNotCreated() throws SQLException {
    String heir = PgCatalog.unique("oo_missing_heir_");
    try (DatabaseEngine heirEngine =
        DatabaseEngines.open(
            PgCatalog.withHeir(pg.endpoint("test/missing-heir"), heir), Clock.systemUTC())) {
      String user = userWithObjects(heirEngine, Passwords.generate());

      RevocationResult result = heirEngine.revoke(user, null);

      assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
      assertThat(result.detail())
          .contains("role " + heir)
          .contains("does not exist")
          .contains("spec.reassignOwnedTo");
      assertThat(catalog.roleExists(heir)).isFalse();
    }
  }

  @Test
  void theOperatorsOwnHeirIsCheckedToo() throws SQLException {
    // Its own name, so the shared tempdb_orphans of the other tests stays as it is.
    String heir = PgCatalog.unique("tdb_spoilt_heir_");
    pg.superuser("CREATE ROLE " + heir + " NOLOGIN REPLICATION");
    PGSimpleDataSource admin = new PGSimpleDataSource();
    admin.setUrl("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres");
    admin.setUser(PostgresFixture.ADMIN_USER);
    admin.setPassword(PostgresFixture.ADMIN_PASSWORD);
    try (DatabaseEngine own =
        new PostgresEngine(admin, null, OrphanOwner.operatorManaged(heir), Clock.systemUTC())) {
      String user = userWithObjects(own, Passwords.generate());

      RevocationResult result = own.revoke(user, null);

      assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
      assertThat(result.detail())
          .contains("the operator's heir role " + heir)
          .contains("has REPLICATION")
          .contains("spec.reassignOwnedTo is unset")
          .contains("Fix role " + heir);
      assertThat(catalog.relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(user);
    }
  }
}
