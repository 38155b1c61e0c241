package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.engine.RoleCheck.Problem;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.MysqlFamilyServer;
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
import org.junit.jupiter.api.TestInstance;

/**
 * The RoleGrant primitives against a real server, proven by logging in as the person's user: each
 * test makes its own user accounts (with a known password) and its own roles, each role reading one
 * table. Rights must work in a new session without SET ROLE, so the default roles matter. Written
 * once, run against MariaDB ({@link MariaDbRoleGrantIT}) and MySQL 8 ({@link MySql8RoleGrantIT}),
 * which add what only their server does: how many default roles there are and what a session that
 * has a revoked role active keeps differ between the two.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MysqlFamilyRoleGrantContract {
  static final int ACCESS_DENIED = 1142;
  static final AtomicInteger SEQ = new AtomicInteger();
  MysqlFamilyServer db;
  DatabaseEngine engine;

  /** The server under test, started once per JVM. */
  abstract MysqlFamilyServer server();

  /** The account's default roles by name, as the grant tables keep them. */
  abstract List<String> defaultRoles(String user, String host) throws SQLException;

  /** The roles granted to the account, by name, sorted. */
  abstract List<String> rolesOf(String user, String host) throws SQLException;

  /** How CURRENT_ROLE() shows this one active role (MySQL names it as an account). */
  abstract String shownAsCurrentRole(String role);

  /** Makes the role, already granted, the account's default role, as a DBA would. */
  abstract void makeDefaultRole(String user, String host, String role);

  @BeforeAll
  void start() {
    db = server();
    db.admin("DROP DATABASE IF EXISTS rg_app", "CREATE DATABASE rg_app");
    for (String table : List.of("a", "b", "c")) {
      db.admin(
          "CREATE TABLE rg_app." + table + " (v varchar(20))",
          "INSERT INTO rg_app." + table + " VALUES ('from " + table + "')");
    }
    engine = DatabaseEngines.open(db.endpoint("test/rolegrant"), Clock.systemUTC());
  }

  @AfterAll
  void stop() {
    engine.close();
  }

  String name(String kind) {
    return "rg_" + kind + SEQ.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
  }

  /** A person's user, made by a DBA, with one account per host. */
  String newUser(String password, String... hosts) {
    String user = name("u");
    for (String host : hosts.length == 0 ? new String[] {"%"} : hosts) {
      db.admin("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY '" + password + "'");
    }
    return user;
  }

  /** A role that may read one table of rg_app. */
  String newRole(String table) {
    String role = name("r");
    db.admin("CREATE ROLE " + role, "GRANT SELECT ON rg_app." + table + " TO " + role);
    return role;
  }

  /** Reads the table in a new session, without SET ROLE; false when access is denied. */
  boolean canRead(String user, String password, String table) throws SQLException {
    try (Connection c = db.login(user, password)) {
      return reads(c, table);
    }
  }

  boolean reads(Connection c, String table) throws SQLException {
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

  void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  String currentRole(String user, String password) throws SQLException {
    try (Connection c = db.login(user, password);
        ResultSet rs = c.createStatement().executeQuery("SELECT CURRENT_ROLE()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  List<String> adminQuery(String sql, String... params) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = db.login(db.adminUser(), db.adminPassword());
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

    assertThat(defaultRoles(user, "%")).containsExactly(role);
    assertThat(currentRole(user, password)).isEqualTo(shownAsCurrentRole(role));
    assertThat(canRead(user, password, "a")).as("without SET ROLE").isTrue();
    assertThat(canRead(user, password, "b")).as("only what the role gives").isFalse();

    assertThat(engine.revokeRoles(user, List.of(role), false)).isZero();

    assertThat(canRead(user, password, "a")).as("after the revoke").isFalse();
    assertThat(defaultRoles(user, "%")).as("default role cleared").isEmpty();
    assertThat(rolesOf(user, "%")).isEmpty();
  }

  /**
   * What else becomes active next to the kept default role differs: MariaDB has one default role,
   * MySQL several (see the subclasses).
   */
  @Test
  void anExistingDefaultRoleAndARoleHeldBeforeAreLeftAlone() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String before = newRole("c");
    String requested = newRole("a");
    db.admin("GRANT " + before + " TO '" + user + "'@'%'");
    makeDefaultRole(user, "%", before);

    RoleCheck check = engine.checkRoles(user, List.of(before, requested));
    assertThat(check.allowed()).isTrue();
    assertThat(check.alreadyHeld()).containsExactly(before);

    engine.grantRoles(user, List.of(requested));

    assertThat(defaultRoles(user, "%")).as("kept").contains(before);
    assertThat(rolesOf(user, "%")).containsExactlyInAnyOrder(before, requested);
    assertThat(canRead(user, password, "c")).isTrue();

    engine.revokeRoles(user, List.of(requested), false);

    assertThat(defaultRoles(user, "%")).containsExactly(before);
    assertThat(rolesOf(user, "%")).containsExactly(before);
    assertThat(canRead(user, password, "c")).isTrue();
    assertThat(canRead(user, password, "a")).isFalse();
  }

  @Test
  void everyAccountOfTheUserGetsAndLosesTheRole() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password, "%", "127.0.0.1");
    String role = newRole("a");

    engine.grantRoles(user, List.of(role));

    for (String host : List.of("%", "127.0.0.1")) {
      assertThat(rolesOf(user, host)).containsExactly(role);
      assertThat(defaultRoles(user, host)).containsExactly(role);
    }
    assertThat(canRead(user, password, "a")).isTrue();
    assertThat(engine.checkRoles(user, List.of(role)).alreadyHeld()).containsExactly(role);

    engine.revokeRoles(user, List.of(role), false);

    for (String host : List.of("%", "127.0.0.1")) {
      assertThat(rolesOf(user, host)).isEmpty();
      assertThat(defaultRoles(user, host)).isEmpty();
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

    // Roles share mysql.user (MariaDB: empty host; MySQL: a locked account without password); a
    // role is nobody's login.
    assertThat(engine.checkRoles(role, List.of(role)).problem()).isEqualTo(Problem.USER_NOT_FOUND);
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

    RoleCheck check = engine.checkRoles(db.adminUser(), List.of(role));

    assertThat(check.problem()).isEqualTo(Problem.NOT_ALLOWED);
    assertThat(check.detail()).contains(db.adminUser() + " is the operator's own admin");
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
