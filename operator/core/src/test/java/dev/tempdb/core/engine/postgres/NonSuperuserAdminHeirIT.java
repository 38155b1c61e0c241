package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The heir with a CREATEROLE admin (no superuser), as on RDS or Cloud SQL. PostgreSQL 16+ lets such
 * an admin reassign to a role only while it holds the role's privileges: it creates the heir, gets
 * ADMIN OPTION from that, and grants itself the membership for one transaction at a time. The heir
 * gets a name of its own here, so the test sees it created on demand whatever ran before.
 */
class NonSuperuserAdminHeirIT {
  private static final String ADMIN = "tempdb_heir_admin";
  private static final String ADMIN_PASSWORD = Passwords.generate();
  private static final String SCHEMA = "heir_limited";
  private static final String HEIR = PgCatalog.unique("tdb_heir_");

  @RegisterExtension
  static final PgTestbed db =
      PgTestbed.withoutEngine(
          "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE",
          "DROP ROLE IF EXISTS " + ADMIN,
          "CREATE ROLE " + ADMIN + " LOGIN CREATEROLE PASSWORD '" + ADMIN_PASSWORD + "'",
          "GRANT pg_signal_backend TO " + ADMIN,
          "CREATE SCHEMA " + SCHEMA + " AUTHORIZATION " + ADMIN);

  private static DatabaseEngine engine(OrphanOwner heir) {
    return db.engineAs(ADMIN, ADMIN_PASSWORD, heir);
  }

  /** A user that created a table and a SECURITY DEFINER function in the admin's schema. */
  private static String userWithObjects(DatabaseEngine engine) throws SQLException {
    String user = PgCatalog.unique("tdb_hl_");
    String password = Passwords.generate();
    engine.provision(
        new UserGrant(
            user,
            password,
            Instant.now().plusSeconds(600),
            2,
            "GRANT USAGE, CREATE ON SCHEMA " + SCHEMA + " TO {username};",
            "ns/" + user));
    db.runAs(
        user,
        password,
        "CREATE TABLE heir_limited.t_" + user + " (x int)",
        "CREATE FUNCTION heir_limited.sd_"
            + user
            + "() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$SELECT 1$$");
    return user;
  }

  @Test
  void createsTheHeirOnDemandAndKeepsNoUsableMembershipInIt() throws SQLException {
    try (DatabaseEngine engine = engine(OrphanOwner.operatorManaged(HEIR))) {
      for (int round = 1; round <= 2; round++) {
        String user = userWithObjects(engine);

        assertThat(engine.revoke(user, null).outcome())
            .as("round " + round)
            .isEqualTo(Outcome.DROPPED);

        assertThat(db.catalog().relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(HEIR);
        assertThat(
                db.catalog()
                    .column("SELECT proname FROM pg_proc WHERE proname = 'sd_" + user + "'"))
            .as("SECURITY DEFINER function dropped")
            .isEmpty();
      }
    }
    assertThat(
            db.catalog().value("SELECT rolcanlogin FROM pg_roles WHERE rolname = '" + HEIR + "'"))
        .isEqualTo("f");
    assertThat(db.catalog().memberships(HEIR)).isEmpty();
    assertThat(
            db.catalog()
                .column(
                    "SELECT concat_ws(',', m.admin_option, m.inherit_option, m.set_option)"
                        + " FROM pg_auth_members m WHERE m.roleid = '"
                        + HEIR
                        + "'::regrole AND m.member = '"
                        + ADMIN
                        + "'::regrole"))
        .as("admin, inherit, set: only the ADMIN OPTION from creating the heir remains")
        .containsExactly("t,f,f");
  }

  @Test
  void dropModeNeedsNoHeir() throws SQLException {
    String unused = PgCatalog.unique("tdb_unused_heir_");
    try (DatabaseEngine engine = engine(OrphanOwner.operatorManaged(unused))) {
      String user = userWithObjects(engine);

      assertThat(engine.revoke(user, null, OwnedObjects.Drop).outcome()).isEqualTo(Outcome.DROPPED);

      assertThat(db.catalog().relationOwner("postgres", SCHEMA, "t_" + user)).isNull();
      assertThat(db.catalog().roleExists(unused)).as("no heir created").isFalse();
    }
  }

  @Test
  void aHeirTheAdminMayNotActAsLeavesTheUserLockedAndSaysHowToFixIt() throws SQLException {
    String heir = PgCatalog.unique("hl_dba_heir_");
    db.pg().superuser("CREATE ROLE " + heir + " NOLOGIN");
    try (DatabaseEngine engine = engine(OrphanOwner.forServer(heir))) {
      String user = userWithObjects(engine);

      RevocationResult result = engine.revoke(user, null);

      assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
      assertThat(result.detail())
          .contains("heir role " + heir)
          .contains("WITH ADMIN OPTION")
          .contains("spec.reassignOwnedTo");
      assertThat(db.catalog().relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(user);
      assertThat(
              db.catalog().column("SELECT proname FROM pg_proc WHERE proname = 'sd_" + user + "'"))
          .as("rolled back with the rest")
          .hasSize(1);

      // The fix the message gives.
      db.pg()
          .superuser(
              "GRANT " + heir + " TO " + ADMIN + " WITH ADMIN OPTION, INHERIT FALSE, SET FALSE");
      assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
      assertThat(db.catalog().relationOwner("postgres", SCHEMA, "t_" + user)).isEqualTo(heir);
    }
  }
}
