package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.engine.RoleCheck.Problem;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RoleGrant primitives against a real PostgreSQL, proven by logging in as the person's user:
 * each test makes its own login user (with a known password) and its own roles, each role reading
 * one table.
 */
class PostgresRoleGrantIT {
  private static final String LIMITED_ADMIN = "tempdb_rolegrant_admin";
  private static final String LIMITED_PASSWORD = Passwords.generate();
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static PostgresFixture pg;
  private static DatabaseEngine engine;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.get();
    pg.superuser(
        "DROP SCHEMA IF EXISTS rg_app CASCADE",
        "CREATE SCHEMA rg_app",
        "CREATE TABLE rg_app.a (v text)",
        "CREATE TABLE rg_app.b (v text)",
        "INSERT INTO rg_app.a VALUES ('from a')",
        "INSERT INTO rg_app.b VALUES ('from b')");
    engine = DatabaseEngines.open(pg.endpoint("test/rolegrant"), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  private static String name(String kind) {
    return "rg_" + kind + "_" + SEQ.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
  }

  /** A person's login user, made behind the operator's back like a DBA would. */
  private static String newUser(String password) {
    String user = name("user");
    pg.superuser("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
    return user;
  }

  /** A group role that may read one table of rg_app. */
  private static String newRole(String table) {
    String role = name("role");
    pg.superuser(
        "CREATE ROLE " + role + " NOLOGIN",
        "GRANT USAGE ON SCHEMA rg_app TO " + role,
        "GRANT SELECT ON rg_app." + table + " TO " + role);
    return role;
  }

  /** Reads the table in a new session; false when the server says permission denied. */
  private static boolean canRead(String user, String password, String table) throws SQLException {
    try (Connection c = pg.login(user, password)) {
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
      if (!"42501".equals(e.getSQLState())) {
        throw e;
      }
      return false;
    }
  }

  private static int memberships(String user, String role) throws SQLException {
    try (Connection c = pg.superuserDataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) FROM pg_auth_members WHERE member = '"
                        + user
                        + "'::regrole AND roleid = '"
                        + role
                        + "'::regrole")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void theUserReadsThroughTheGrantedRoleUntilItIsRevoked() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String role = newRole("a");
    assertThat(canRead(user, password, "a")).as("before the grant").isFalse();

    assertThat(engine.checkRoles(user, List.of(role))).isEqualTo(RoleCheck.ok(Set.of()));
    engine.grantRoles(user, List.of(role));

    assertThat(canRead(user, password, "a")).as("during the grant").isTrue();
    assertThat(canRead(user, password, "b")).as("only what the role gives").isFalse();
    assertThat(engine.checkRoles(user, List.of(role)).alreadyHeld()).containsExactly(role);

    assertThat(engine.revokeRoles(user, List.of(role), false)).isZero();

    assertThat(canRead(user, password, "a")).as("after the revoke").isFalse();
    assertThat(memberships(user, role)).isZero();
  }

  @Test
  void aRoleHeldBeforeIsReportedAndSurvivesTheRevokeOfAnother() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String before = newRole("a");
    String requested = newRole("b");
    pg.superuser("GRANT " + before + " TO " + user);

    RoleCheck check = engine.checkRoles(user, List.of(before, requested));

    assertThat(check.allowed()).isTrue();
    assertThat(check.alreadyHeld()).containsExactly(before);
    engine.grantRoles(user, List.of(requested));
    assertThat(canRead(user, password, "b")).isTrue();
    engine.revokeRoles(user, List.of(requested), true);
    assertThat(canRead(user, password, "b")).isFalse();
    assertThat(canRead(user, password, "a")).as("the earlier grant is left").isTrue();
    assertThat(memberships(user, before)).isOne();
  }

  @Test
  void membershipThroughAnotherRoleIsNotHeldDirectly() {
    String user = newUser(Passwords.generate());
    String inner = newRole("a");
    String outer = newRole("b");
    pg.superuser("GRANT " + inner + " TO " + outer, "GRANT " + outer + " TO " + user);

    assertThat(engine.checkRoles(user, List.of(inner, outer)).alreadyHeld()).containsExactly(outer);
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
    assertThat(noUser.alreadyHeld()).isEmpty();

    RoleCheck noRole = engine.checkRoles(user, List.of(role, ghost));
    assertThat(noRole.problem()).isEqualTo(Problem.ROLE_NOT_FOUND);
    assertThat(noRole.detail())
        .contains("role " + ghost + " does not exist")
        .contains("spec.roles");
  }

  @Test
  void unsafeUsersAndRolesAreRefusedNamingThem() {
    String user = newUser(Passwords.generate());
    String safe = newRole("a");
    String superRole = name("super");
    String otherLogin = newUser(Passwords.generate());
    String group = name("group");
    String viaLogin = newRole("b");
    pg.superuser(
        "CREATE ROLE " + superRole + " NOLOGIN SUPERUSER",
        "CREATE ROLE " + group + " NOLOGIN",
        "GRANT " + otherLogin + " TO " + viaLogin);

    assertRefused(user, List.of(safe, superRole), superRole, "is a superuser role");
    assertRefused(user, List.of(otherLogin), otherLogin, "is a login user");
    assertRefused(user, List.of(viaLogin), viaLogin, "member of " + otherLogin + ", a login user");
    assertRefused(group, List.of(safe), group, "cannot log in");
    assertRefused(PostgresFixture.ADMIN_USER, List.of(safe), "tempdb_admin", "own admin");
  }

  private static void assertRefused(String user, List<String> roles, String named, String why) {
    RoleCheck check = engine.checkRoles(user, roles);
    assertThat(check.problem()).isEqualTo(Problem.NOT_ALLOWED);
    assertThat(check.detail()).contains(named + " ").contains(why);
    assertThat(check.alreadyHeld()).isEmpty();
  }

  @Test
  void theUserComesFirstThenTheRolesInListOrder() {
    String ghostUser = name("ghost");
    String ghostRole = name("ghost");
    String superRole = name("super");
    pg.superuser("CREATE ROLE " + superRole + " NOLOGIN SUPERUSER");
    String user = newUser(Passwords.generate());

    assertThat(engine.checkRoles(ghostUser, List.of(ghostRole)).problem())
        .isEqualTo(Problem.USER_NOT_FOUND);
    assertThat(engine.checkRoles(user, List.of(ghostRole, superRole)).detail()).contains(ghostRole);
    assertThat(engine.checkRoles(user, List.of(superRole, ghostRole)).detail()).contains(superRole);
  }

  /**
   * After REVOKE, a session that ran SET ROLE keeps acting as the role: PostgreSQL checks the
   * membership at SET ROLE only. A session that did not lose the rights at once.
   */
  @Test
  void onlyEndingSessionsStopsASessionThatTookTheRoleWithSetRole() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String role = newRole("a");
    engine.grantRoles(user, List.of(role));
    try (Connection setRole = pg.login(user, password);
        Connection inheriting = pg.login(user, password)) {
      setRole.createStatement().execute("SET ROLE " + role);
      assertThat(reads(setRole, "a")).isTrue();
      assertThat(reads(inheriting, "a")).isTrue();

      assertThat(engine.revokeRoles(user, List.of(role), false)).isZero();

      assertThat(setRole.isValid(2)).isTrue();
      assertThat(reads(setRole, "a")).as("SET ROLE session keeps the role").isTrue();
      assertThat(reads(inheriting, "a")).as("inheriting session loses it").isFalse();
      assertThatThrownBy(() -> setRole.createStatement().execute("RESET ROLE; SET ROLE " + role))
          .hasMessageContaining("permission denied to set role");

      // Nothing is left to revoke; the sessions are still ended (a retry after a crash).
      assertThat(engine.revokeRoles(user, List.of(role), true)).isEqualTo(2);

      assertThat(setRole.isValid(2)).isFalse();
      assertThat(inheriting.isValid(2)).isFalse();
    }
    assertThat(canRead(user, password, "a")).isFalse();
  }

  @Test
  void grantingAndRevokingTwiceIsHarmless() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String a = newRole("a");
    String b = newRole("b");

    engine.grantRoles(user, List.of(a, b, a));
    engine.grantRoles(user, List.of(a, b));

    assertThat(memberships(user, a)).isOne();
    assertThat(memberships(user, b)).isOne();
    assertThat(canRead(user, password, "b")).isTrue();
    assertThat(engine.revokeRoles(user, List.of(a, b), false)).isZero();
    assertThat(engine.revokeRoles(user, List.of(a, b), false)).isZero();
    assertThat(memberships(user, a) + memberships(user, b)).isZero();
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

  @Test
  void aRoleThatVanishedIsAPermanentErrorAndNothingIsGranted() throws SQLException {
    String user = newUser(Passwords.generate());
    String role = newRole("a");
    String ghost = name("ghost");

    assertThatThrownBy(() -> engine.grantRoles(user, List.of(role, ghost)))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining(ghost);
    assertThat(memberships(user, role)).as("one transaction").isZero();
  }

  @Test
  void aCreateRoleAdminWithAdminOptionGrantsAndRevokes() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String role = newRole("a");
    pg.superuser(
        "DROP ROLE IF EXISTS " + LIMITED_ADMIN,
        "CREATE ROLE " + LIMITED_ADMIN + " LOGIN CREATEROLE PASSWORD '" + LIMITED_PASSWORD + "'",
        "GRANT pg_signal_backend TO " + LIMITED_ADMIN,
        "GRANT " + role + " TO " + LIMITED_ADMIN + " WITH ADMIN OPTION");
    try (DatabaseEngine limited = DatabaseEngines.open(limitedEndpoint(), Clock.systemUTC())) {
      assertThat(limited.checkRoles(user, List.of(role)).allowed()).isTrue();
      limited.grantRoles(user, List.of(role));
      try (Connection session = pg.login(user, password)) {
        assertThat(reads(session, "a")).isTrue();

        assertThat(limited.revokeRoles(user, List.of(role), true)).isOne();

        assertThat(session.isValid(2)).isFalse();
      }
      assertThat(canRead(user, password, "a")).isFalse();
    } finally {
      pg.superuser("REVOKE " + role + " FROM " + LIMITED_ADMIN);
    }
  }

  /**
   * Since PostgreSQL 16 REVOKE removes only the grantor's own membership. One recorded for another
   * grantor (here: granted by the superuser admin, revoked by a CREATEROLE admin) stays, and the
   * engine says so instead of reporting a revoke that did not happen.
   */
  @Test
  void aMembershipGrantedByAnotherRoleIsReportedNotSilentlyKept() throws SQLException {
    String password = Passwords.generate();
    String user = newUser(password);
    String role = newRole("a");
    String admin = LIMITED_ADMIN + "_2";
    pg.superuser(
        "DROP ROLE IF EXISTS " + admin,
        "CREATE ROLE " + admin + " LOGIN CREATEROLE PASSWORD '" + LIMITED_PASSWORD + "'",
        "GRANT " + role + " TO " + admin + " WITH ADMIN OPTION");
    engine.grantRoles(user, List.of(role));
    try (DatabaseEngine limited = DatabaseEngines.open(limitedEndpoint(admin), Clock.systemUTC())) {
      assertThatThrownBy(() -> limited.revokeRoles(user, List.of(role), false))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
          .hasMessageContaining("still holds " + role);
    } finally {
      pg.superuser("REVOKE " + role + " FROM " + admin, "DROP ROLE " + admin);
    }
    assertThat(canRead(user, password, "a")).isTrue();
    assertThat(engine.revokeRoles(user, List.of(role), false)).isZero();
    assertThat(canRead(user, password, "a")).isFalse();
  }

  private static ServerEndpoint limitedEndpoint() {
    return limitedEndpoint(LIMITED_ADMIN);
  }

  private static ServerEndpoint limitedEndpoint(String admin) {
    return new ServerEndpoint(
        "test/" + admin,
        Engine.POSTGRESQL,
        "127.0.0.1",
        pg.port(),
        "postgres",
        admin,
        LIMITED_PASSWORD,
        TlsMode.DISABLE,
        null,
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        2,
        null);
  }
}
