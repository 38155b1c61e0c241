package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After the grant SQL, provision reads what the user really holds, directly or through any chain of
 * roles, and rolls the whole grant back when it holds an elevated privilege the target does not
 * allow: no user is left behind and the message names each privilege and where it comes from.
 */
class GrantPrivilegeCheckIT {
  @RegisterExtension static final PgTestbed db = PgTestbed.withEngine("test/privileges");

  private static UserGrant grant(String user, String password, String sql, Set<String> allowed) {
    return new UserGrant(
        user, password, Instant.now().plusSeconds(3600), 2, sql, "ns/" + user, null, allowed);
  }

  /** Provisions with nothing allowed; asserts the refusal and that no role remains. */
  private static String refused(String grantSql) throws SQLException {
    String user = PgCatalog.unique("tdb_pc_");
    String password = Passwords.generate();
    Throwable thrown =
        catchThrowable(() -> db.engine().provision(grant(user, password, grantSql, Set.of())));
    assertThat(thrown)
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("the grant SQL gave user " + user + " elevated privileges")
        .hasMessageContaining("spec.allowedPrivileges");
    assertThat(thrown.getMessage()).doesNotContain(password);
    assertThat(db.catalog().roleExists(user)).as("role left after the refusal").isFalse();
    assertThatThrownBy(() -> db.pg().login(user, password)).isInstanceOf(SQLException.class);
    return thrown.getMessage();
  }

  @Test
  void refusesCreatedbGivenWithAlterRole() throws SQLException {
    assertThat(refused("ALTER ROLE {username} CREATEDB")).contains("CREATEDB (directly)");
  }

  @Test
  void refusesMembershipOfTheAdmin() throws SQLException {
    String message = refused("GRANT " + PostgresFixture.ADMIN_USER + " TO {username}");
    assertThat(message)
        .contains("ADMIN_ROLE (directly)")
        .contains("SUPERUSER (through role " + PostgresFixture.ADMIN_USER + ")");
  }

  @Test
  void refusesMembershipOfTheAdminThroughAGroup() throws SQLException {
    String group = PgCatalog.unique("pc_admins_");
    db.pg()
        .superuser(
            "CREATE ROLE " + group + " NOLOGIN",
            "GRANT " + PostgresFixture.ADMIN_USER + " TO " + group);
    assertThat(refused("GRANT " + group + " TO {username}"))
        .contains("ADMIN_ROLE (through role " + group + ")");
    db.pg().superuser("DROP ROLE " + group);
  }

  @Test
  void refusesAGroupRoleWithCreateroleEvenTwoMembershipsAway() throws SQLException {
    String group = PgCatalog.unique("pc_creators_");
    String middle = PgCatalog.unique("pc_team_");
    db.pg()
        .superuser(
            "CREATE ROLE " + group + " NOLOGIN CREATEROLE",
            "CREATE ROLE " + middle + " NOLOGIN",
            "GRANT " + group + " TO " + middle);
    assertThat(refused("GRANT " + middle + " TO {username}"))
        .contains("CREATEROLE (through role " + group + ")");
    db.pg().superuser("DROP ROLE " + middle, "DROP ROLE " + group);
  }

  @Test
  void refusesAMembershipWithAdminOption() throws SQLException {
    String plain = PgCatalog.unique("pc_plain_");
    db.pg().superuser("CREATE ROLE " + plain + " NOLOGIN");
    assertThat(refused("GRANT " + plain + " TO {username} WITH ADMIN OPTION"))
        .contains("ADMIN OPTION (directly)");
    db.pg().superuser("DROP ROLE " + plain);
  }

  @Test
  void refusesDangerousPredefinedRolesUnderTheirOwnNames() throws SQLException {
    assertThat(refused("GRANT pg_execute_server_program TO {username}"))
        .contains("PG_EXECUTE_SERVER_PROGRAM (directly)");
    String group = PgCatalog.unique("pc_signallers_");
    db.pg().superuser("CREATE ROLE " + group + " NOLOGIN", "GRANT pg_signal_backend TO " + group);
    assertThat(refused("GRANT " + group + " TO {username}"))
        .contains("PG_SIGNAL_BACKEND (through role " + group + ")");
    db.pg().superuser("DROP ROLE " + group);
  }

  @Test
  void refusesEveryPrivilegeNotAllowedAndNamesEach() throws SQLException {
    String message =
        refused(
            "ALTER ROLE {username} CREATEDB CREATEROLE; GRANT pg_read_server_files TO {username}");
    assertThat(message)
        .contains("CREATEROLE (directly)")
        .contains("CREATEDB (directly)")
        .contains("PG_READ_SERVER_FILES (directly)");
  }

  @Test
  void allowsCreatedbWhenTheTargetListsIt() throws SQLException {
    String user = PgCatalog.unique("tdb_pc_ok_");
    String password = Passwords.generate();
    String database = PgCatalog.unique("pc_db_");

    db.engine()
        .provision(grant(user, password, "ALTER ROLE {username} CREATEDB", Set.of("createdb")));

    db.runAs(user, password, "CREATE DATABASE " + database, "DROP DATABASE " + database);
    assertThat(db.engine().revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  @Test
  void allowingOnePrivilegeStillRefusesAnother() throws SQLException {
    String user = PgCatalog.unique("tdb_pc_");
    assertThatThrownBy(
            () ->
                db.engine()
                    .provision(
                        grant(
                            user,
                            Passwords.generate(),
                            "ALTER ROLE {username} CREATEDB BYPASSRLS",
                            Set.of("CREATEDB"))))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("BYPASSRLS (directly)")
        .hasMessageNotContaining("CREATEDB (directly)");
    assertThat(db.catalog().roleExists(user)).isFalse();
  }

  @Test
  void anOrdinaryGrantPasses() throws SQLException {
    String plain = PgCatalog.unique("pc_readers_");
    db.pg().superuser("CREATE ROLE " + plain + " NOLOGIN");
    String user = PgCatalog.unique("tdb_pc_ok_");
    String password = Passwords.generate();

    db.engine().provision(grant(user, password, "GRANT " + plain + " TO {username}", Set.of()));

    try (Connection c = db.pg().login(user, password)) {
      assertThat(c.isValid(2)).isTrue();
    }
    assertThat(db.engine().revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }
}
