package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OwnedObjects.Reassign: what a departing user leaves behind goes to a role that cannot log in and
 * holds nothing, never to the admin; a configured heir that fails that check stops the revocation
 * with the user locked and a message that names the heir and the fix.
 */
class OrphanOwnerIT {
  private static final String SCHEMA = "oo_app";
  private static final String DEFAULT_HEIR = "tempdb_orphans";

  @RegisterExtension static final PgTestbed db = PgTestbed.withSchema("test/orphans", SCHEMA);

  /** A user with CREATE on the schema that made a table (with a row), a view and a function. */
  private static String userWithObjects(DatabaseEngine on, String password) throws SQLException {
    String user = PgCatalog.unique("tdb_oo_");
    on.provision(
        PgTestbed.grant(
            user, password, "GRANT USAGE, CREATE ON SCHEMA " + SCHEMA + " TO {username};"));
    db.runAs(
        user,
        password,
        "CREATE TABLE oo_app.t_" + user + " (x int)",
        "INSERT INTO oo_app.t_" + user + " VALUES (42)",
        "CREATE VIEW oo_app.v_" + user + " AS SELECT x FROM oo_app.t_" + user,
        "CREATE FUNCTION oo_app.f_" + user + "() RETURNS int LANGUAGE sql AS $$SELECT 1$$");
    return user;
  }

  @Test
  void leftoversGoToTheOperatorsHeirWhichCannotLogInAndHoldsNothing() throws SQLException {
    String user = userWithObjects(db.engine(), Passwords.generate());

    assertThat(db.engine().revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);

    assertThat(db.catalog().relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(DEFAULT_HEIR);
    assertThat(db.catalog().relationOwner("postgres", SCHEMA, "v_" + user)).isEqualTo(DEFAULT_HEIR);
    assertThat(
            db.catalog()
                .value(
                    "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'f_"
                        + user
                        + "'"))
        .isEqualTo(DEFAULT_HEIR);
    assertThat(db.catalog().value("SELECT x FROM oo_app.t_" + user))
        .as("data kept")
        .isEqualTo("42");
    assertThat(
            db.catalog()
                .value(
                    "SELECT concat_ws(',', rolcanlogin, rolsuper, rolcreaterole, rolcreatedb,"
                        + " rolreplication, rolbypassrls) FROM pg_roles WHERE rolname = '"
                        + DEFAULT_HEIR
                        + "'"))
        .as("login, superuser, createrole, createdb, replication, bypassrls")
        .isEqualTo("f,f,f,f,f,f");
    assertThat(db.catalog().memberships(DEFAULT_HEIR))
        .as("roles the heir is a member of")
        .isEmpty();
    assertThat(
            db.catalog()
                .value(
                    "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = '"
                        + DEFAULT_HEIR
                        + "'"))
        .contains("tempdb-operator");
    assertThat(db.engine().listManagedUsers("tempdb_"))
        .as("the heir is no temporary user, so the orphan sweep never drops it")
        .isEmpty();
  }

  @Test
  void aConfiguredHeirThatCanLogInIsRefusedAndTheUserIsLeftLocked() throws SQLException {
    String heir = PgCatalog.unique("oo_login_heir_");
    db.pg().superuser("CREATE ROLE " + heir + " LOGIN PASSWORD '" + Passwords.generate() + "'");
    try (DatabaseEngine heirEngine = db.engineWithHeir("test/login-heir", heir)) {
      String password = Passwords.generate();
      String user = userWithObjects(heirEngine, password);
      Connection session = db.pg().login(user, password);
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
      assertThat(db.catalog().roleExists(user)).isTrue();
      assertThatThrownBy(() -> db.pg().login(user, password)).isInstanceOf(SQLException.class);
      assertThat(db.catalog().relationOwner("postgres", SCHEMA, "t_" + user))
          .as("nothing reassigned")
          .isEqualTo(user);

      // Once the heir is fixed, the next attempt goes through.
      db.pg().superuser("ALTER ROLE " + heir + " NOLOGIN PASSWORD NULL");
      assertThat(heirEngine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
      assertThat(db.catalog().relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(heir);
    }
  }

  @Test
  void theAdminIsNeverTheHeirEvenWhenConfigured() throws SQLException {
    try (DatabaseEngine heirEngine =
        db.engineWithHeir("test/admin-heir", PostgresFixture.ADMIN_USER)) {
      String user = userWithObjects(heirEngine, Passwords.generate());

      RevocationResult result = heirEngine.revoke(user, null);

      assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
      assertThat(result.detail())
          .contains("role " + PostgresFixture.ADMIN_USER)
          .contains("the operator's own admin")
          .contains("spec.reassignOwnedTo");
      assertThat(db.catalog().relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(user);
    }
  }

  @Test
  void aHeirWithAttributesOrMembershipsIsRefused() throws SQLException {
    String heir = PgCatalog.unique("oo_rich_heir_");
    String group = PgCatalog.unique("oo_group_");
    db.pg()
        .superuser(
            "CREATE ROLE " + group + " NOLOGIN",
            "CREATE ROLE " + heir + " NOLOGIN CREATEDB BYPASSRLS",
            "GRANT " + group + " TO " + heir);
    try (DatabaseEngine heirEngine = db.engineWithHeir("test/rich-heir", heir)) {
      String user = userWithObjects(heirEngine, Passwords.generate());

      RevocationResult result = heirEngine.revoke(user, null);

      assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
      assertThat(result.detail())
          .contains("role " + heir)
          .contains("CREATEDB")
          .contains("BYPASSRLS")
          .contains("member of " + group)
          .doesNotContain("can log in");
      assertThat(db.catalog().relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(user);
    }
  }

  @Test
  void aConfiguredHeirThatDoesNotExistIsRefusedNotCreated() throws SQLException {
    String heir = PgCatalog.unique("oo_missing_heir_");
    try (DatabaseEngine heirEngine = db.engineWithHeir("test/missing-heir", heir)) {
      String user = userWithObjects(heirEngine, Passwords.generate());

      RevocationResult result = heirEngine.revoke(user, null);

      assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
      assertThat(result.detail())
          .contains("role " + heir)
          .contains("does not exist")
          .contains("spec.reassignOwnedTo");
      assertThat(db.catalog().roleExists(heir)).isFalse();
    }
  }

  @Test
  void theOperatorsOwnHeirIsCheckedToo() throws SQLException {
    // Its own name, so the shared tempdb_orphans of the other tests stays as it is.
    String heir = PgCatalog.unique("tdb_spoilt_heir_");
    db.pg().superuser("CREATE ROLE " + heir + " NOLOGIN REPLICATION");
    try (DatabaseEngine own =
        db.engineAs(
            PostgresFixture.ADMIN_USER,
            PostgresFixture.ADMIN_PASSWORD,
            OrphanOwner.operatorManaged(heir))) {
      String user = userWithObjects(own, Passwords.generate());

      RevocationResult result = own.revoke(user, null);

      assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
      assertThat(result.detail())
          .contains("the operator's heir role " + heir)
          .contains("has REPLICATION")
          .contains("spec.reassignOwnedTo is unset")
          .contains("Fix role " + heir);
      assertThat(db.catalog().relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(user);
    }
  }
}
