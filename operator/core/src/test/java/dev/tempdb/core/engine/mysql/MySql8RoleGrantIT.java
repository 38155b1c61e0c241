package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.engine.RoleCheck.Problem;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.MySql8Fixture;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RoleGrant primitives against a real MySQL 8.0.15, and what only MySQL does: every granted
 * role is a default role, roles are accounts (so one name may be a role at several hosts), and a
 * revoked role's rights leave a session at once.
 */
class MySql8RoleGrantIT extends MysqlFamilyRoleGrantContract {
  @Override
  MysqlFamilyServer server() {
    return MySql8Fixture.get();
  }

  /** MySQL keeps default roles in mysql.default_roles; a role at a host other than % shows it. */
  @Override
  List<String> defaultRoles(String user, String host) throws SQLException {
    return adminQuery(
        "SELECT IF(DEFAULT_ROLE_HOST = '%', DEFAULT_ROLE_USER,"
            + " CONCAT(DEFAULT_ROLE_USER, '@', DEFAULT_ROLE_HOST)) AS r FROM mysql.default_roles"
            + " WHERE USER = ? AND HOST = ? ORDER BY r",
        user, host);
  }

  @Override
  List<String> rolesOf(String user, String host) throws SQLException {
    return adminQuery(
        "SELECT IF(FROM_HOST = '%', FROM_USER, CONCAT(FROM_USER, '@', FROM_HOST)) AS r"
            + " FROM mysql.role_edges WHERE TO_USER = ? AND TO_HOST = ? ORDER BY r",
        user, host);
  }

  @Override
  String shownAsCurrentRole(String role) {
    return "`" + role + "`@`%`";
  }

  @Override
  void makeDefaultRole(String user, String host, String role) {
    db.admin("SET DEFAULT ROLE " + role + " TO '" + user + "'@'" + host + "'");
  }

  /** MySQL only: every role granted becomes a default role, active at login. */
  @Test
  void everyGrantedRoleIsActiveAtLoginWithoutSetRole() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String first = newRole("a");
    String second = newRole("b");

    engine.grantRoles(user, List.of(first, second));

    assertThat(defaultRoles(user, "%")).containsExactlyInAnyOrder(first, second);
    try (Connection c = db.login(user, password)) {
      assertThat(reads(c, "a")).isTrue();
      assertThat(reads(c, "b")).isTrue();
      assertThat(reads(c, "c")).isFalse();
    }
    engine.revokeRoles(user, List.of(first, second), true);
    assertThat(defaultRoles(user, "%")).isEmpty();
    assertThat(rolesOf(user, "%")).isEmpty();
  }

  /** MySQL only: a granted role joins the account's existing default roles. */
  @Test
  void aRoleGrantedNextToAnExistingDefaultRoleJoinsIt() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String before = newRole("c");
    String requested = newRole("a");
    db.admin("GRANT " + before + " TO '" + user + "'@'%'");
    makeDefaultRole(user, "%", before);

    engine.grantRoles(user, List.of(requested));

    assertThat(defaultRoles(user, "%")).containsExactlyInAnyOrder(before, requested);
    try (Connection c = db.login(user, password)) {
      assertThat(reads(c, "c")).isTrue();
      assertThat(reads(c, "a")).as("without SET ROLE").isTrue();
    }
  }

  /** MySQL only: PUBLIC means nothing special; it is a role name like any other, here missing. */
  @Test
  void publicIsAnOrdinaryMissingRole() {
    String user = newUser(Passwords.generate());

    assertThat(engine.checkRoles(user, List.of("PUBLIC")).problem())
        .isEqualTo(Problem.ROLE_NOT_FOUND);
  }

  /**
   * MySQL only: a role is an account, so {@code r} (which GRANT reads as {@code r@%}) and {@code
   * r@localhost} are two roles. Holding the second is not holding the first.
   */
  @Test
  void aRoleOfTheSameNameAtAnotherHostIsAnotherRole() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String role = newRole("a");
    db.admin(
        "CREATE ROLE '" + role + "'@'localhost'",
        "GRANT SELECT ON rg_app.c TO '" + role + "'@'localhost'",
        "GRANT '" + role + "'@'localhost' TO '" + user + "'@'%'",
        "SET DEFAULT ROLE '" + role + "'@'localhost' TO '" + user + "'@'%'");

    RoleCheck check = engine.checkRoles(user, List.of(role));
    assertThat(check.allowed()).isTrue();
    assertThat(check.alreadyHeld()).as("the user holds only " + role + "@localhost").isEmpty();

    engine.grantRoles(user, List.of(role));

    assertThat(rolesOf(user, "%")).containsExactly(role, role + "@localhost");
    assertThat(canRead(user, password, "a")).isTrue();

    engine.revokeRoles(user, List.of(role), false);

    assertThat(rolesOf(user, "%")).containsExactly(role + "@localhost");
    assertThat(defaultRoles(user, "%")).containsExactly(role + "@localhost");
    assertThat(canRead(user, password, "a")).isFalse();
    assertThat(canRead(user, password, "c")).as("someone else's grant stays").isTrue();
  }

  /**
   * MySQL only (unlike MariaDB): a session that has a role active loses the role's rights with the
   * REVOKE, whether the role came as a default or by SET ROLE; the session itself stays open unless
   * sessions are ended.
   */
  @Test
  void aRevokeTakesTheRightsFromASessionThatHasTheRoleActive() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String first = newRole("a");
    String second = newRole("b");
    engine.grantRoles(user, List.of(first, second));
    try (Connection byDefault = db.login(user, password);
        Connection bySetRole = db.login(user, password)) {
      execute(bySetRole, "SET ROLE " + second);
      assertThat(reads(byDefault, "a")).isTrue();
      assertThat(reads(bySetRole, "b")).isTrue();

      assertThat(engine.revokeRoles(user, List.of(first, second), false)).isZero();

      assertThat(byDefault.isValid(2)).isTrue();
      assertThat(bySetRole.isValid(2)).isTrue();
      assertThat(reads(byDefault, "a")).as("the default role's rights are gone").isFalse();
      assertThat(reads(bySetRole, "b")).as("the SET ROLE role's rights are gone").isFalse();

      assertThat(engine.revokeRoles(user, List.of(first, second), true)).isEqualTo(2);

      assertThat(byDefault.isValid(2)).isFalse();
      assertThat(bySetRole.isValid(2)).isFalse();
    }
  }
}
