package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.core.engine.RoleCheck.Problem;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.MariaDbFixture;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RoleGrant primitives against a real MariaDB, and what only MariaDB does: one default role per
 * account, PUBLIC, and a revoked role that stays active in a session.
 */
class MariaDbRoleGrantIT extends MysqlFamilyRoleGrantContract {
  @Override
  MysqlFamilyServer server() {
    return MariaDbFixture.get();
  }

  /** MariaDB keeps one default role in mysql.user; empty when there is none. */
  @Override
  List<String> defaultRoles(String user, String host) throws SQLException {
    return adminQuery(
        "SELECT default_role FROM mysql.user WHERE User = ? AND Host = ? AND default_role <> ''",
        user,
        host);
  }

  @Override
  List<String> rolesOf(String user, String host) throws SQLException {
    return adminQuery(
        "SELECT Role FROM mysql.roles_mapping WHERE User = ? AND Host = ? ORDER BY Role",
        user,
        host);
  }

  @Override
  String shownAsCurrentRole(String role) {
    return role;
  }

  @Override
  void makeDefaultRole(String user, String host, String role) {
    db.admin("SET DEFAULT ROLE " + role + " FOR '" + user + "'@'" + host + "'");
  }

  /** MariaDB only: it activates one default role at login. */
  @Test
  void onlyTheFirstRoleBecomesTheDefaultTheOthersNeedSetRole() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String first = newRole("a");
    String second = newRole("b");

    engine.grantRoles(user, List.of(first, second));

    assertThat(defaultRoles(user, "%")).containsExactly(first);
    try (Connection c = db.login(user, password)) {
      assertThat(reads(c, "a")).isTrue();
      assertThat(reads(c, "b")).isFalse();
      execute(c, "SET ROLE " + second);
      assertThat(reads(c, "b")).isTrue();
    }
    engine.revokeRoles(user, List.of(first, second), true);
    assertThat(defaultRoles(user, "%")).isEmpty();
    assertThat(rolesOf(user, "%")).isEmpty();
  }

  /**
   * MariaDB only: an account that has its one default role keeps it; the new one needs SET ROLE.
   */
  @Test
  void aRoleGrantedNextToAnExistingDefaultRoleNeedsSetRole() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String before = newRole("c");
    String requested = newRole("a");
    db.admin("GRANT " + before + " TO '" + user + "'@'%'");
    makeDefaultRole(user, "%", before);

    engine.grantRoles(user, List.of(requested));

    assertThat(defaultRoles(user, "%")).containsExactly(before);
    try (Connection c = db.login(user, password)) {
      assertThat(reads(c, "c")).isTrue();
      assertThat(reads(c, "a")).as("not the default role").isFalse();
      execute(c, "SET ROLE " + requested);
      assertThat(reads(c, "a")).isTrue();
    }
  }

  /** MariaDB only: PUBLIC is a role every account has (10.11+), so it cannot be granted. */
  @Test
  void publicIsRefused() {
    String user = newUser(Passwords.generate());

    assertThat(engine.checkRoles(user, List.of("PUBLIC")).problem()).isEqualTo(Problem.NOT_ALLOWED);
    assertThat(engine.checkRoles(user, List.of("PUBLIC")).detail())
        .contains("role PUBLIC is every user's already");
  }

  /**
   * MariaDB only: it checks a role when it is activated: after REVOKE, a session that has it active
   * (by SET ROLE or as its default) keeps the role's rights; only ending the session stops that.
   */
  @Test
  void onlyEndingSessionsStopsASessionThatHasTheRoleActive() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String first = newRole("a");
    String second = newRole("b");
    engine.grantRoles(user, List.of(first, second));
    try (Connection session = db.login(user, password)) {
      execute(session, "SET ROLE " + second);
      assertThat(reads(session, "b")).isTrue();

      assertThat(engine.revokeRoles(user, List.of(first, second), false)).isZero();

      assertThat(session.isValid(2)).isTrue();
      assertThat(reads(session, "b")).as("the active role survives the REVOKE").isTrue();
      assertThat(canRead(user, password, "b")).as("a new session has nothing").isFalse();

      // Nothing is left to revoke; the session is still ended (a retry after a crash).
      assertThat(engine.revokeRoles(user, List.of(first, second), true)).isPositive();

      assertThat(session.isValid(2)).isFalse();
    }
  }
}
