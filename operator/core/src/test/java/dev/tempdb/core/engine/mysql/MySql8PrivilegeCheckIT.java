package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.MySql8Fixture;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The privilege check and DEFINER objects against a real MySQL 8.0.15, and what only MySQL has:
 * dynamic privileges, CREATE ROLE and DROP ROLE, roles at a host, and mandatory_roles.
 */
class MySql8PrivilegeCheckIT extends MysqlFamilyPrivilegeCheckContract {
  @Override
  MysqlFamilyServer server() {
    return MySql8Fixture.get();
  }

  @Override
  int roleMemberships(String user) throws SQLException {
    return count("SELECT COUNT(*) FROM mysql.role_edges WHERE TO_USER = ?", user);
  }

  @Override
  Stream<String> grantTableWrites() {
    return Stream.of(
        "GRANT INSERT ON mysql.* TO {username}",
        "GRANT UPDATE (authentication_string) ON mysql.user TO {username}",
        "GRANT INSERT ON mysql.role_edges TO {username}",
        "GRANT ALL ON `my%`.* TO {username}",
        "GRANT SELECT, DELETE ON *.* TO {username}");
  }

  /** MySQL only: privileges that MariaDB folds into SUPER or does not have. */
  @Test
  void dynamicPrivilegesAndCreateRoleAreRefusedByName() throws SQLException {
    assertRefused("GRANT ROLE_ADMIN ON *.* TO {username};", "ROLE_ADMIN (directly)");
    assertRefused("GRANT SET_USER_ID ON *.* TO {username};", "SET_USER_ID (directly)");
    assertRefused("GRANT CONNECTION_ADMIN ON *.* TO {username};", "CONNECTION_ADMIN (directly)");
    assertRefused(
        "GRANT CREATE ROLE, DROP ROLE ON *.* TO {username};",
        "CREATE ROLE (directly), DROP ROLE (directly)");
  }

  /** MySQL only: dynamic privileges that act on the user's own account pass. */
  @Test
  void harmlessDynamicPrivilegesPass() throws SQLException {
    String user = db.newUser("pc");
    String password = Passwords.generate();
    engine.provision(
        grant(
            user,
            password,
            "GRANT APPLICATION_PASSWORD_ADMIN, RESOURCE_GROUP_USER ON *.* TO {username};",
            Set.of()));

    try (Connection c = db.login(user, password)) {
      assertThat(c.isValid(1)).isTrue();
    }
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  /** MySQL only: a role is an account, so it may live at a host other than %. */
  @Test
  void aRoleAtAHostIsFollowedAndNamedWithItsHost() throws SQLException {
    db.admin(
        "CREATE ROLE IF NOT EXISTS 'pc_local'@'localhost'",
        "GRANT CREATE USER ON *.* TO 'pc_local'@'localhost'");

    assertRefused(
        "GRANT 'pc_local'@'localhost' TO {username};",
        "CREATE USER (through role pc_local@localhost)");
  }

  /**
   * MySQL only: every account holds the mandatory roles (and activates them with
   * activate_all_roles_on_login), though no grant names them.
   */
  @Test
  void aMandatoryRoleThatHoldsCreateUserIsRefused() throws SQLException {
    db.admin("CREATE ROLE IF NOT EXISTS pc_everyone", "GRANT CREATE USER ON *.* TO pc_everyone");
    db.admin("SET GLOBAL mandatory_roles = '`pc_everyone`@`%`'");
    try {
      assertRefused(
          "GRANT SELECT ON pc_app.* TO {username};", "CREATE USER (through role pc_everyone)");
    } finally {
      db.admin("SET GLOBAL mandatory_roles = ''");
    }
  }
}
