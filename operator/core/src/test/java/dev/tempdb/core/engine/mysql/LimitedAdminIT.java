package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.core.testing.MariaDbFixture;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator works with an admin that holds only the privileges docs/security.md lists for
 * MySQL/MariaDB (as on RDS, where nobody is a superuser), and without EVENT it still grants and
 * revokes, with expiry left to the operator.
 */
class LimitedAdminIT {
  private static final String PASSWORD = "Limited-" + Long.toHexString(System.nanoTime());
  private static MariaDbFixture db;

  @BeforeAll
  static void createLimitedAdmins() {
    db = MariaDbFixture.get();
    db.admin(
        "CREATE DATABASE IF NOT EXISTS lim_app",
        "CREATE TABLE IF NOT EXISTS lim_app.t (x int)",
        "INSERT INTO lim_app.t VALUES (1)");
    for (String admin : new String[] {"tempdb_lim", "tempdb_lim_ev"}) {
      db.admin(
          "CREATE USER IF NOT EXISTS '" + admin + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
          "GRANT CREATE USER, PROCESS, CONNECTION ADMIN ON *.* TO '" + admin + "'@'%'",
          "GRANT SELECT ON mysql.* TO '" + admin + "'@'%'",
          "GRANT SELECT ON lim_app.* TO '" + admin + "'@'%' WITH GRANT OPTION");
    }
    db.admin("GRANT EVENT ON lim_app.* TO 'tempdb_lim_ev'@'%'");
  }

  private static ServerEndpoint endpoint(String admin) {
    return new ServerEndpoint(
        "test/" + admin,
        Engine.MARIADB,
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

  private static void grantUseAndRevoke(MysqlEngine engine) throws Exception {
    String user = Usernames.forGrant("tdb_", "lim", UUID.randomUUID().toString(), 32);
    String password = Passwords.generate();
    engine.provision(
        new UserGrant(
            user,
            password,
            Instant.now().plusSeconds(600),
            2,
            "GRANT SELECT ON lim_app.* TO {username};",
            "ns/lim"));
    Connection session = db.login(user, password);
    assertThat(session.createStatement().executeQuery("SELECT x FROM lim_app.t").next()).isTrue();

    RevocationResult result = engine.revoke(user, null);

    assertThat(result.outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(result.sessionsTerminated()).isOne();
    assertThat(session.isValid(1)).isFalse();
    assertThat(engine.listManagedUsers("tdb_")).noneMatch(u -> u.username().equals(user));
  }

  @Test
  void theDocumentedPrivilegesAndEventLetTheServerEnforceExpiry() throws Exception {
    try (MysqlEngine engine =
        (MysqlEngine) DatabaseEngines.open(endpoint("tempdb_lim_ev"), Clock.systemUTC())) {
      grantUseAndRevoke(engine);
      assertThat(engine.enforcesExpiry()).isTrue();
    }
  }

  @Test
  void withoutEventTheGrantStillWorksAndExpiryIsTheOperatorsAlone() throws Exception {
    try (MysqlEngine engine =
        (MysqlEngine) DatabaseEngines.open(endpoint("tempdb_lim"), Clock.systemUTC())) {
      grantUseAndRevoke(engine);
      assertThat(engine.enforcesExpiry()).isFalse();
    }
  }

  /**
   * The check reads the new account's grants with the documented admin rights (SELECT on mysql.*),
   * and refuses the GRANT OPTION this admin is able to pass on.
   */
  @Test
  void theCheckWorksWithTheseRightsAndRefusesTheGrantOptionTheAdminCanPassOn() throws Exception {
    try (MysqlEngine engine =
        (MysqlEngine) DatabaseEngines.open(endpoint("tempdb_lim"), Clock.systemUTC())) {
      String user = Usernames.forGrant("tdb_", "lim", UUID.randomUUID().toString(), 32);
      String password = Passwords.generate();
      UserGrant grant =
          new UserGrant(
              user,
              password,
              Instant.now().plusSeconds(600),
              2,
              "GRANT SELECT ON lim_app.* TO {username} WITH GRANT OPTION;",
              "ns/lim");

      assertThatThrownBy(() -> engine.provision(grant))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
          .hasMessageContaining("GRANT OPTION (directly)");
      assertThatThrownBy(() -> db.login(user, password)).hasMessageContaining("Access denied");
      assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.ALREADY_ABSENT);
    }
  }
}
