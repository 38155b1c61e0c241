package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator works with an admin that holds only the privileges docs/security.md lists (as on
 * RDS, where nobody is a superuser), and without EVENT it still grants and revokes, with expiry
 * left to the operator. Written once, run against MariaDB ({@link MariaDbLimitedAdminIT}) and MySQL
 * 8 ({@link MySql8LimitedAdminIT}); the privilege names and what granting roles needs differ, so
 * each subclass says what its server's admin gets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MysqlFamilyLimitedAdminContract {
  static final String PASSWORD = "Limited-" + Long.toHexString(System.nanoTime());

  /** The documented privileges. */
  static final String ADMIN = "tempdb_lim";

  /** The documented privileges and EVENT on the DatabaseServer's database. */
  static final String ADMIN_EVENT = "tempdb_lim_ev";

  /** The documented privileges and what granting a role needs on this server. */
  static final String ADMIN_ROLES = "tempdb_lim_ro";

  /** A role targets grant, which {@link #ADMIN_ROLES} holds WITH ADMIN OPTION. */
  static final String ROLE = "lim_reader";

  MysqlFamilyServer db;

  /** The server under test, started once per JVM. */
  abstract MysqlFamilyServer server();

  /**
   * The statements that give {@code account} exactly the privileges docs/security.md lists for this
   * server, EVENT and the roles targets grant left out.
   */
  abstract List<String> documentedGrants(String account);

  /**
   * What the admin needs on this server, besides the role itself WITH ADMIN OPTION, to grant a role
   * and make it a default role of another account.
   */
  abstract List<String> roleGrantGrants(String account);

  @BeforeAll
  void createLimitedAdmins() {
    db = server();
    db.admin(
        "CREATE DATABASE IF NOT EXISTS lim_app",
        "CREATE TABLE IF NOT EXISTS lim_app.t (x int)",
        "INSERT INTO lim_app.t VALUES (1)",
        "CREATE ROLE IF NOT EXISTS " + ROLE,
        "GRANT SELECT ON lim_app.* TO " + ROLE);
    for (String admin : new String[] {ADMIN, ADMIN_EVENT, ADMIN_ROLES}) {
      String account = "'" + admin + "'@'%'";
      db.admin("DROP USER IF EXISTS " + account);
      db.admin("CREATE USER " + account + " IDENTIFIED BY '" + PASSWORD + "'");
      db.admin(documentedGrants(account).toArray(String[]::new));
    }
    db.admin("GRANT EVENT ON lim_app.* TO '" + ADMIN_EVENT + "'@'%'");
    String roles = "'" + ADMIN_ROLES + "'@'%'";
    db.admin("GRANT " + ROLE + " TO " + roles + " WITH ADMIN OPTION");
    db.admin(roleGrantGrants(roles).toArray(String[]::new));
  }

  ServerEndpoint endpoint(String admin) {
    return new ServerEndpoint(
        "test/" + admin,
        db.engine(),
        "127.0.0.1",
        db.port(),
        "lim_app",
        admin,
        PASSWORD,
        TlsMode.DISABLE,
        null,
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        2,
        null);
  }

  MysqlEngine open(String admin) {
    return (MysqlEngine) DatabaseEngines.open(endpoint(admin), Clock.systemUTC());
  }

  static UserGrant grant(String user, String password, String sql) {
    return new UserGrant(user, password, Instant.now().plusSeconds(600), 2, sql, "ns/lim");
  }

  boolean reads(Connection c) {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT x FROM lim_app.t")) {
      return rs.next();
    } catch (SQLException e) {
      assertThat(e.getMessage()).contains("denied");
      return false;
    }
  }

  void grantUseAndRevoke(MysqlEngine engine) throws Exception {
    String user = db.newUser("lim");
    String password = Passwords.generate();
    engine.provision(grant(user, password, "GRANT SELECT ON lim_app.* TO {username};"));
    Connection session = db.login(user, password);
    assertThat(reads(session)).isTrue();

    RevocationResult result = engine.revoke(user, "REVOKE SELECT ON lim_app.* FROM {username};");

    assertThat(result.outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(result.sessionsTerminated()).isOne();
    assertThat(session.isValid(1)).isFalse();
    assertThatThrownBy(() -> db.login(user, password)).hasMessageContaining("Access denied");
    assertThat(engine.listManagedUsers("tdb_")).noneMatch(u -> u.username().equals(user));
  }

  @Test
  void theDocumentedPrivilegesAndEventLetTheServerEnforceExpiry() throws Exception {
    try (MysqlEngine engine = open(ADMIN_EVENT)) {
      grantUseAndRevoke(engine);
      assertThat(engine.enforcesExpiry()).isTrue();
    }
  }

  @Test
  void withoutEventTheGrantStillWorksAndExpiryIsTheOperatorsAlone() throws Exception {
    try (MysqlEngine engine = open(ADMIN)) {
      grantUseAndRevoke(engine);
      assertThat(engine.enforcesExpiry()).isFalse();
    }
  }

  /**
   * The expiry event runs as the admin: locking the account and ending sessions need its rights.
   */
  @Test
  void theExpiryEventEndsAccessWithTheLimitedAdminsRights() throws Exception {
    try (MysqlEngine engine = open(ADMIN_EVENT)) {
      String user = db.newUser("lim");
      String password = Passwords.generate();
      engine.provision(
          new UserGrant(
              user,
              password,
              Instant.now().plusSeconds(2),
              2,
              "GRANT SELECT ON lim_app.* TO {username};",
              "ns/lim"));
      Connection session = db.login(user, password);

      // Nobody calls revoke: the operator is "down".
      await().atMost(Duration.ofSeconds(10)).until(() -> !session.isValid(1));

      assertThatThrownBy(() -> db.login(user, password)).hasMessageContaining("locked");
      assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
    }
  }

  /**
   * The check reads the new account's grants with the documented admin rights (SELECT on mysql.*),
   * and refuses the GRANT OPTION this admin is able to pass on.
   */
  @Test
  void theCheckWorksWithTheseRightsAndRefusesTheGrantOptionTheAdminCanPassOn() throws Exception {
    try (MysqlEngine engine = open(ADMIN)) {
      String user = db.newUser("lim");
      String password = Passwords.generate();
      UserGrant grant =
          grant(user, password, "GRANT SELECT ON lim_app.* TO {username} WITH GRANT OPTION;");

      assertThatThrownBy(() -> engine.provision(grant))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
          .hasMessageContaining("GRANT OPTION (directly)");
      assertThatThrownBy(() -> db.login(user, password)).hasMessageContaining("Access denied");
      assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.ALREADY_ABSENT);
    }
  }

  /** Grant SQL that gives a role, which becomes active at login. */
  @Test
  void aTargetRoleIsGrantedAndActiveAtLogin() throws Exception {
    try (MysqlEngine engine = open(ADMIN_ROLES)) {
      String user = db.newUser("lim");
      String password = Passwords.generate();
      engine.provision(grant(user, password, "GRANT " + ROLE + " TO {username};"));

      try (Connection c = db.login(user, password)) {
        assertThat(reads(c)).as("through the default role").isTrue();
      }
      assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
    }
  }

  /** RoleGrant on a person's own user, made by a DBA. */
  @Test
  void aRoleIsGrantedToAPersonsUserAndRevokedWithItsSessionsEnded() throws Exception {
    String person = "lim_person_" + Long.toHexString(System.nanoTime());
    String password = Passwords.generate();
    db.admin("CREATE USER '" + person + "'@'%' IDENTIFIED BY '" + password + "'");
    try (MysqlEngine engine = open(ADMIN_ROLES)) {
      assertThat(engine.checkRoles(person, List.of(ROLE)).allowed()).isTrue();

      engine.grantRoles(person, List.of(ROLE));

      List<Boolean> seen = new ArrayList<>();
      Connection session = db.login(person, password);
      seen.add(reads(session));
      assertThat(engine.revokeRoles(person, List.of(ROLE), true)).isOne();
      seen.add(session.isValid(1));
      try (Connection c = db.login(person, password)) {
        seen.add(reads(c));
      }
      assertThat(seen)
          .as("read, session alive after revoke, read after")
          .containsExactly(true, false, false);
    } finally {
      db.admin("DROP USER '" + person + "'@'%'");
    }
  }
}
