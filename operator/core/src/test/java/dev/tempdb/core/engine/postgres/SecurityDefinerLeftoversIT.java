package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attack the default revocation used to allow: a temporary user with CREATE on a schema plants
 * SECURITY DEFINER functions and a view over pg_authid, granted to PUBLIC; when its objects went to
 * the admin at revocation, a later read-only user ran them as the admin. Everything here happens
 * through real logins, as the users would do it.
 */
class SecurityDefinerLeftoversIT {
  private static final String SCHEMA = "sd_trap";

  @RegisterExtension static final PgTestbed db = PgTestbed.withSchema("test/secdef", SCHEMA);

  @Test
  void aLaterReadOnlyUserGainsNothingFromWhatAnEarlierUserLeftBehind() throws SQLException {
    String planter = PgCatalog.unique("tdb_sd_a_");
    String planterPassword = Passwords.generate();
    db.engine()
        .provision(
            PgTestbed.grant(
                planter,
                planterPassword,
                "GRANT USAGE, CREATE ON SCHEMA " + SCHEMA + " TO {username};"));
    db.runAs(
        planter,
        planterPassword,
        "CREATE FUNCTION sd_trap.promote(who text) RETURNS void LANGUAGE plpgsql"
            + " SECURITY DEFINER AS $$BEGIN EXECUTE format('ALTER ROLE %I SUPERUSER', who); END$$",
        "CREATE FUNCTION sd_trap.verifier(who text) RETURNS text LANGUAGE sql"
            + " SECURITY DEFINER AS $$SELECT rolpassword FROM pg_authid WHERE rolname = who$$",
        "CREATE PROCEDURE sd_trap.promote_proc(who text) LANGUAGE plpgsql SECURITY DEFINER"
            + " AS $$BEGIN EXECUTE format('ALTER ROLE %I SUPERUSER', who); END$$",
        "CREATE VIEW sd_trap.verifiers AS SELECT rolname, rolpassword FROM pg_authid",
        "GRANT EXECUTE ON FUNCTION sd_trap.promote(text), sd_trap.verifier(text) TO PUBLIC",
        "GRANT EXECUTE ON PROCEDURE sd_trap.promote_proc(text) TO PUBLIC",
        "GRANT SELECT ON sd_trap.verifiers TO PUBLIC");
    List<String> superusersBefore = superusers();

    assertThat(db.engine().revoke(planter, null).outcome()).isEqualTo(Outcome.DROPPED);

    String reader = PgCatalog.unique("tdb_sd_b_");
    String readerPassword = Passwords.generate();
    db.engine()
        .provision(
            PgTestbed.grant(
                reader, readerPassword, "GRANT USAGE ON SCHEMA " + SCHEMA + " TO {username};"));
    List<String> gained = new ArrayList<>();
    List<String> promoted = new ArrayList<>();
    try (Connection c = db.pg().login(reader, readerPassword);
        Statement s = c.createStatement()) {
      attempt(s, "SELECT sd_trap.promote('" + reader + "')", "ran promote()", gained);
      attempt(s, "CALL sd_trap.promote_proc('" + reader + "')", "ran promote_proc()", gained);
      attempt(
          s,
          "SELECT sd_trap.verifier('" + PostgresFixture.ADMIN_USER + "')",
          "read the admin's verifier through verifier()",
          gained);
      attempt(
          s,
          "SELECT rolpassword FROM sd_trap.verifiers WHERE rolname = '"
              + PostgresFixture.ADMIN_USER
              + "'",
          "read the admin's verifier through the view",
          gained);
    } finally {
      // On the old code the reader became a superuser: undo it, the server is shared.
      for (String role : superusers()) {
        if (!superusersBefore.contains(role)) {
          promoted.add(role);
          db.pg().superuser("ALTER ROLE \"" + role + "\" NOSUPERUSER");
        }
      }
      db.engine().revoke(reader, null);
    }

    assertThat(gained).as("what the read-only user gained").isEmpty();
    assertThat(promoted).as("roles that became superuser").isEmpty();
    assertThat(
            db.catalog()
                .column(
                    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                        + " WHERE n.nspname = '"
                        + SCHEMA
                        + "' AND p.prosecdef"))
        .as("SECURITY DEFINER routines left behind")
        .isEmpty();
  }

  @Test
  void aDefinerRoutineThatOtherObjectsUseLeavesTheUserLockedRatherThanDropThem()
      throws SQLException {
    String user = PgCatalog.unique("tdb_sd_c_");
    String password = Passwords.generate();
    db.engine()
        .provision(
            PgTestbed.grant(
                user, password, "GRANT USAGE, CREATE ON SCHEMA " + SCHEMA + " TO {username};"));
    String function = "sd_trap.counted_" + user + "()";
    db.runAs(
        user,
        password,
        "CREATE FUNCTION "
            + function
            + " RETURNS int LANGUAGE sql SECURITY DEFINER AS $$SELECT 1$$",
        "CREATE VIEW sd_trap.uses_" + user + " AS SELECT sd_trap.counted_" + user + "()");

    RevocationResult result = db.engine().revoke(user, null);

    assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
    assertThat(result.detail())
        .contains("SECURITY DEFINER routines " + function)
        .contains("other objects depend on it")
        .contains("spec.ownedObjects to Drop");
    assertThatThrownBy(() -> db.pg().login(user, password)).isInstanceOf(SQLException.class);
    assertThat(db.catalog().relationOwner("postgres", SCHEMA, "uses_" + user)).isEqualTo(user);

    // Only the user's own view depends on it, so dropping everything it owned goes through.
    assertThat(db.engine().revoke(user, null, OwnedObjects.Drop).outcome())
        .isEqualTo(Outcome.DROPPED);
    assertThat(db.catalog().relationOwner("postgres", SCHEMA, "uses_" + user)).isNull();
  }

  /** Runs a statement as the reader; anything but an error is a gain. */
  private static void attempt(Statement s, String sql, String gain, List<String> gained) {
    try (ResultSet rs = s.execute(sql) ? s.getResultSet() : null) {
      String value = rs != null && rs.next() ? rs.getString(1) : null;
      gained.add(gain + (value != null && value.startsWith("SCRAM-SHA-256$") ? " (verifier)" : ""));
    } catch (SQLException expected) {
      // refused: the function is gone or the view's owner cannot read pg_authid
    }
  }

  private static List<String> superusers() throws SQLException {
    return db.catalog().column("SELECT rolname FROM pg_roles WHERE rolsuper ORDER BY 1");
  }
}
