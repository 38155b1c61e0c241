package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.engine.RoleCheck.Problem;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.MariaDbFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RoleGrant primitives against a real MariaDB, proven by logging in as the person's user: each
 * test makes its own user accounts (with a known password) and its own roles, each role reading one
 * table. Rights must work in a new session without SET ROLE, so the default role matters.
 */
class MariaDbRoleGrantIT {
  private static final int ACCESS_DENIED = 1142;
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static MariaDbFixture db;
  private static DatabaseEngine engine;

  @BeforeAll
  static void start() {
    db = MariaDbFixture.get();
    db.admin("DROP DATABASE IF EXISTS rg_app", "CREATE DATABASE rg_app");
    for (String table : List.of("a", "b", "c")) {
      db.admin(
          "CREATE TABLE rg_app." + table + " (v varchar(20))",
          "INSERT INTO rg_app." + table + " VALUES ('from " + table + "')");
    }
    engine = DatabaseEngines.open(db.endpoint("test/maria-rolegrant"), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  private static String name(String kind) {
    return "rg_" + kind + SEQ.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
  }

  /** A person's user, made by a DBA, with one account per host. */
  private static String newUser(String password, String... hosts) {
    String user = name("u");
    for (String host : hosts.length == 0 ? new String[] {"%"} : hosts) {
      db.admin("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY '" + password + "'");
    }
    return user;
  }

  /** A role that may read one table of rg_app. */
  private static String newRole(String table) {
    String role = name("r");
    db.admin("CREATE ROLE " + role, "GRANT SELECT ON rg_app." + table + " TO " + role);
    return role;
  }

  /** Reads the table in a new session, without SET ROLE; false when access is denied. */
  private static boolean canRead(String user, String password, String table) throws SQLException {
    try (Connection c = db.login(user, password)) {
      return reads(c, table);
    }
  }

  private static boolean reads(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM rg_app." + table)) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("from " + table);
      return true;
    } catch (SQLException e) {
      if (e.getErrorCode() != ACCESS_DENIED) {
        throw e;
      }
      return false;
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String currentRole(String user, String password) throws SQLException {
    try (Connection c = db.login(user, password);
        ResultSet rs = c.createStatement().executeQuery("SELECT CURRENT_ROLE()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The account's default role as the grant tables keep it; empty when there is none. */
  private static String defaultRole(String user, String host) throws SQLException {
    return adminQuery("SELECT default_role FROM mysql.user WHERE User = ? AND Host = ?", user, host)
        .get(0);
  }

  private static List<String> rolesOf(String user, String host) throws SQLException {
    return adminQuery(
        "SELECT Role FROM mysql.roles_mapping WHERE User = ? AND Host = ? ORDER BY Role",
        user,
        host);
  }

  private static List<String> adminQuery(String sql, String... params) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = db.login(MariaDbFixture.ADMIN_USER, MariaDbFixture.ADMIN_PASSWORD);
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getString(1));
        }
      }
    }
    return values;
  }

  @Test
  void aNewSessionReadsThroughTheDefaultRoleUntilTheRoleIsRevoked() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String role = newRole("a");
    assertThat(canRead(user, password, "a")).as("before the grant").isFalse();

    assertThat(engine.checkRoles(user, List.of(role))).isEqualTo(RoleCheck.ok(Set.of()));
    engine.grantRoles(user, List.of(role));

    assertThat(defaultRole(user, "%")).isEqualTo(role);
    assertThat(currentRole(user, password)).isEqualTo(role);
    assertThat(canRead(user, password, "a")).as("without SET ROLE").isTrue();
    assertThat(canRead(user, password, "b")).as("only what the role gives").isFalse();

    assertThat(engine.revokeRoles(user, List.of(role), false)).isZero();

    assertThat(canRead(user, password, "a")).as("after the revoke").isFalse();
    assertThat(defaultRole(user, "%")).as("default role cleared").isEmpty();
    assertThat(rolesOf(user, "%")).isEmpty();
  }

  @Test
  void onlyTheFirstRoleBecomesTheDefaultTheOthersNeedSetRole() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String first = newRole("a");
    String second = newRole("b");

    engine.grantRoles(user, List.of(first, second));

    assertThat(defaultRole(user, "%")).isEqualTo(first);
    try (Connection c = db.login(user, password)) {
      assertThat(reads(c, "a")).isTrue();
      assertThat(reads(c, "b")).isFalse();
      execute(c, "SET ROLE " + second);
      assertThat(reads(c, "b")).isTrue();
    }
    engine.revokeRoles(user, List.of(first, second), true);
    assertThat(defaultRole(user, "%")).isEmpty();
    assertThat(rolesOf(user, "%")).isEmpty();
  }

  @Test
  void anExistingDefaultRoleAndARoleHeldBeforeAreLeftAlone() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String before = newRole("c");
    String requested = newRole("a");
    db.admin(
        "GRANT " + before + " TO '" + user + "'@'%'",
        "SET DEFAULT ROLE " + before + " FOR '" + user + "'@'%'");

    RoleCheck check = engine.checkRoles(user, List.of(before, requested));
    assertThat(check.allowed()).isTrue();
    assertThat(check.alreadyHeld()).containsExactly(before);

    engine.grantRoles(user, List.of(requested));

    assertThat(defaultRole(user, "%")).as("kept").isEqualTo(before);
    try (Connection c = db.login(user, password)) {
      assertThat(reads(c, "c")).isTrue();
      assertThat(reads(c, "a")).as("not the default role").isFalse();
      execute(c, "SET ROLE " + requested);
      assertThat(reads(c, "a")).isTrue();
    }

    engine.revokeRoles(user, List.of(requested), false);

    assertThat(defaultRole(user, "%")).isEqualTo(before);
    assertThat(rolesOf(user, "%")).containsExactly(before);
    assertThat(canRead(user, password, "c")).isTrue();
  }

  @Test
  void everyAccountOfTheUserGetsAndLosesTheRole() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password, "%", "127.0.0.1");
    String role = newRole("a");

    engine.grantRoles(user, List.of(role));

    for (String host : List.of("%", "127.0.0.1")) {
      assertThat(rolesOf(user, host)).containsExactly(role);
      assertThat(defaultRole(user, host)).isEqualTo(role);
    }
    assertThat(canRead(user, password, "a")).isTrue();
    assertThat(engine.checkRoles(user, List.of(role)).alreadyHeld()).containsExactly(role);

    engine.revokeRoles(user, List.of(role), false);

    for (String host : List.of("%", "127.0.0.1")) {
      assertThat(rolesOf(user, host)).isEmpty();
      assertThat(defaultRole(user, host)).isEmpty();
    }
    assertThat(canRead(user, password, "a")).isFalse();
  }

  @Test
  void aRoleHeldByOnlySomeAccountsIsRefusedNamingThem() {
    String user = newUser(Passwords.generate(), "%", "127.0.0.1");
    String role = newRole("a");
    db.admin("GRANT " + role + " TO '" + user + "'@'127.0.0.1'");

    RoleCheck check = engine.checkRoles(user, List.of(role));

    assertThat(check.problem()).isEqualTo(Problem.NOT_ALLOWED);
    assertThat(check.detail())
        .contains("role " + role + " is held by only some accounts of user " + user)
        .contains(user + "@127.0.0.1 has it")
        .contains(user + "@% has not");
  }

  @Test
  void missingUserAndRoleAreNamed() {
    String user = newUser(Passwords.generate());
    String role = newRole("a");
    String ghost = name("ghost");

    RoleCheck noUser = engine.checkRoles(ghost, List.of(role));
    assertThat(noUser.problem()).isEqualTo(Problem.USER_NOT_FOUND);
    assertThat(noUser.detail())
        .isEqualTo(
            "database user "
                + ghost
                + " does not exist on this server; create it, or fix the target's userMapping");

    RoleCheck noRole = engine.checkRoles(user, List.of(role, ghost));
    assertThat(noRole.problem()).isEqualTo(Problem.ROLE_NOT_FOUND);
    assertThat(noRole.detail())
        .contains("role " + ghost + " does not exist")
        .contains("spec.roles");
  }

  @Test
  void aRoleNameIsNotAUserAndAUserNameIsNotARole() {
    String user = newUser(Passwords.generate());
    String otherUser = newUser(Passwords.generate());
    String role = newRole("a");

    RoleCheck userAsRole = engine.checkRoles(user, List.of(otherUser));
    assertThat(userAsRole.problem()).isEqualTo(Problem.NOT_ALLOWED);
    assertThat(userAsRole.detail()).contains(otherUser + " is a user account, not a role");

    // Roles share mysql.user (empty host); a role is nobody's login.
    assertThat(engine.checkRoles(role, List.of(role)).problem()).isEqualTo(Problem.USER_NOT_FOUND);
    assertThat(engine.checkRoles(user, List.of("PUBLIC")).problem()).isEqualTo(Problem.NOT_ALLOWED);
  }

  @Test
  void aUserNameTheQuotingRefusesIsRefusedBeforeAnyGrant() {
    String odd = name("o") + "'x";
    String role = newRole("a");
    db.admin("CREATE USER `" + odd + "`@'%'");

    assertThat(engine.checkRoles(odd, List.of(role)).problem()).isEqualTo(Problem.NOT_ALLOWED);
    assertThatThrownBy(() -> engine.grantRoles(odd, List.of(role)))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue());
  }

  @Test
  void theAdminItselfIsRefused() {
    String role = newRole("a");

    RoleCheck check = engine.checkRoles(MariaDbFixture.ADMIN_USER, List.of(role));

    assertThat(check.problem()).isEqualTo(Problem.NOT_ALLOWED);
    assertThat(check.detail()).contains(MariaDbFixture.ADMIN_USER + " is the operator's own admin");
  }

  /**
   * MariaDB checks a role when it is activated: after REVOKE, a session that has it active (by SET
   * ROLE or as its default) keeps the role's rights; only ending the session stops that.
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

  @Test
  void grantingAndRevokingTwiceIsHarmless() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String a = newRole("a");

    engine.grantRoles(user, List.of(a, a));
    engine.grantRoles(user, List.of(a));

    assertThat(rolesOf(user, "%")).containsExactly(a);
    assertThat(canRead(user, password, "a")).isTrue();
    assertThat(engine.revokeRoles(user, List.of(a), false)).isZero();
    assertThat(engine.revokeRoles(user, List.of(a), false)).isZero();
    assertThat(rolesOf(user, "%")).isEmpty();
    assertThat(canRead(user, password, "a")).isFalse();
  }

  @Test
  void aMissingUserIsAPermanentErrorToGrantAndNothingToRevoke() {
    String ghost = name("ghost");
    String role = newRole("a");

    assertThatThrownBy(() -> engine.grantRoles(ghost, List.of(role)))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("database user " + ghost + " does not exist");
    assertThat(engine.revokeRoles(ghost, List.of(role), true)).isZero();
  }
}
