package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
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

/** OwnedObjects.Drop: everything the user owned goes with it; nobody inherits anything. */
class DropOwnedObjectsIT {
  private static final String SCHEMA = "do_app";
  private static PostgresFixture pg;
  private static PgCatalog catalog;
  private static DatabaseEngine engine;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.get();
    catalog = new PgCatalog(pg);
    pg.superuser(
        "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE",
        "CREATE SCHEMA " + SCHEMA,
        "CREATE TABLE do_app.kept (x int)");
    engine = DatabaseEngines.open(pg.endpoint("test/drop-owned"), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @Test
  void dropModeLeavesNothingTheUserOwned() throws SQLException {
    String user = PgCatalog.unique("tdb_do_");
    String password = Passwords.generate();
    engine.provision(
        new UserGrant(
            user,
            password,
            Instant.now().plusSeconds(3600),
            3,
            "GRANT USAGE, CREATE ON SCHEMA "
                + SCHEMA
                + " TO {username};"
                + " GRANT CREATE ON DATABASE postgres TO {username};"
                + " GRANT SELECT ON do_app.kept TO {username};",
            "ns/" + user));
    try (Connection c = pg.login(user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE do_app.t_" + user + " (x int)");
      s.execute("CREATE VIEW do_app.v_" + user + " AS SELECT x FROM do_app.kept");
      s.execute("CREATE SEQUENCE do_app.s_" + user);
      s.execute("CREATE TYPE do_app.ty_" + user + " AS (a int)");
      s.execute("CREATE FUNCTION do_app.f_" + user + "() RETURNS int LANGUAGE sql AS $$SELECT 1$$");
      s.execute(
          "CREATE FUNCTION do_app.sd_"
              + user
              + "() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$SELECT 1$$");
      s.execute("CREATE SCHEMA own_" + user);
      s.execute("CREATE TABLE own_" + user + ".inside (x int)");
      s.execute(
          "ALTER DEFAULT PRIVILEGES IN SCHEMA " + SCHEMA + " GRANT SELECT ON TABLES TO PUBLIC");
    }

    assertThat(engine.revoke(user, null, OwnedObjects.Drop).outcome()).isEqualTo(Outcome.DROPPED);

    assertThat(catalog.roleExists(user)).isFalse();
    String like = "'%" + user + "'";
    assertThat(catalog.column("SELECT relname FROM pg_class WHERE relname LIKE " + like))
        .as("tables, views, sequences, types' relations")
        .isEmpty();
    assertThat(catalog.column("SELECT typname FROM pg_type WHERE typname LIKE " + like)).isEmpty();
    assertThat(catalog.column("SELECT proname FROM pg_proc WHERE proname LIKE " + like)).isEmpty();
    assertThat(catalog.column("SELECT nspname FROM pg_namespace WHERE nspname LIKE " + like))
        .isEmpty();
    assertThat(
            catalog.column(
                "SELECT count(*) FROM pg_default_acl d JOIN pg_namespace n"
                    + " ON n.oid = d.defaclnamespace WHERE n.nspname = '"
                    + SCHEMA
                    + "'"))
        .containsExactly("0");
    assertThat(catalog.relationOwner("postgres", SCHEMA, "kept"))
        .as("other owners' objects are untouched")
        .isEqualTo("postgres");
  }
}
