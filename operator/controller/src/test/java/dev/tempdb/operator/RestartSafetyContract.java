package dev.tempdb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.KubernetesSecretSink;
import dev.tempdb.operator.servers.ServerRegistry;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.ScrapedMetrics;
import dev.tempdb.operator.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.Secret;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crash and restart safety on every engine: the operator is stopped at a chosen point (as a crash
 * leaves things), the state a crashed attempt would have left is recreated, and a restarted
 * operator must end with exactly one user and consistent, working credentials.
 *
 * <p>One concrete class per engine (not a parameterized class), so that each engine's report counts
 * its own tests; each class runs its own operator, started once for its tests.
 */
abstract class RestartSafetyContract {
  static OperatorFixture op;

  /** This class's server, as the crashed attempts use it; opened by the first test. */
  static DatabaseEngine engine;

  final Engine engineKind;
  TestDatabase db;

  RestartSafetyContract(Engine engineKind) {
    this.engineKind = engineKind;
  }

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
  }

  @BeforeEach
  void prepareServer() {
    db = TestDatabase.of(engineKind);
    if (engine == null) {
      op.server(db);
      db.recreateSchema("vault", "items (id int)", "allow_list (id int PRIMARY KEY)");
      op.target(db.key(), named("vault-read"), db.readonlySql("vault"), null, "8h");
      engine = DatabaseEngines.open(db.endpoint("restart"), Clock.systemUTC());
    }
  }

  private String named(String name) {
    return name + "-" + db.key();
  }

  @AfterEach
  void operatorRunsAgain() {
    if (!running) {
      op.start();
      running = true;
    }
  }

  @AfterAll
  static void stop() {
    if (engine != null) {
      engine.close();
      engine = null;
    }
    op.close();
  }

  private boolean running = true;

  private void crash() {
    op.stop();
    running = false;
  }

  private void restart() {
    op.start();
    running = true;
  }

  @Test
  void aRestartDoesNotReissueCredentialsThatArePublished() throws Exception {
    op.request(named("restart-1"), named("vault-read"), "mona@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase(named("restart-1"), Phase.Active);
    Secret before = op.secret(active.getStatus().getCredentials().getKubernetesSecret());
    String password = OperatorFixture.decode(before).get("password");

    crash();
    restart();
    awaitOperatorCaughtUp();

    Secret after = op.secret(active.getStatus().getCredentials().getKubernetesSecret());
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(op.get(named("restart-1")).getMetadata().getResourceVersion())
        .as("no status write either")
        .isEqualTo(active.getMetadata().getResourceVersion());
    try (Connection c = db.login(active.getStatus().getUsername(), password)) {
      assertThat(c.isValid(2)).isTrue();
    }
  }

  /**
   * Requests waiting for a restarted operator are each granted once: a second grant would rotate a
   * password that was just published (a stale cached copy, seen after the finalizer was added and
   * Active recorded, once did exactly that).
   */
  @Test
  void requestsWaitingForARestartedOperatorAreEachGrantedOnce() throws Exception {
    crash();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      names.add(named("waiting-" + i));
      op.request(names.get(i), named("vault-read"), "olga" + i + "@acme-corp.example", "1h");
    }
    restart();
    Map<String, String> secretVersions = new HashMap<>();
    Map<String, String> passwords = new HashMap<>();
    for (String name : names) {
      TemporaryDbAccess active = op.awaitPhase(name, Phase.Active);
      Secret secret = op.secret(active.getStatus().getCredentials().getKubernetesSecret());
      secretVersions.put(name, secret.getMetadata().getResourceVersion());
      passwords.put(name, OperatorFixture.decode(secret).get("password"));
    }
    // Until any late, stale event has been reconciled.
    awaitOperatorCaughtUp();

    for (String name : names) {
      TemporaryDbAccess active = op.get(name);
      Secret secret = op.secret(active.getStatus().getCredentials().getKubernetesSecret());
      assertThat(secret.getMetadata().getResourceVersion())
          .as("credentials of %s published once", name)
          .isEqualTo(secretVersions.get(name));
      try (Connection c = db.login(active.getStatus().getUsername(), passwords.get(name))) {
        assertThat(c.isValid(2)).isTrue();
      }
      op.client().resource(active).delete();
    }
    names.forEach(op::awaitGone);
  }

  @Test
  void aCrashBetweenCreatingTheUserAndPublishingEndsWithOneWorkingUser() throws SQLException {
    crash();
    TemporaryDbAccess tda =
        op.request(named("crash-1"), named("vault-read"), "nora@acme-corp.example", "1h");
    String user = db.expectedUsername(tda);
    String lostPassword = Passwords.generate();
    // What the crashed attempt did: the user exists, nobody was told its password.
    engine.provision(
        new UserGrant(
            user, lostPassword, Instant.now().plusSeconds(3600), 5, "", crashedAttemptOwner(tda)));

    restart();
    TemporaryDbAccess active = op.awaitPhase(named("crash-1"), Phase.Active);

    assertThat(active.getStatus().getUsername()).isEqualTo(user);
    assertThat(db.usersStartingWith("tdb_nora_")).containsExactly(user);
    String published = op.publishedPassword(active);
    try (Connection c = db.login(user, published)) {
      assertThat(c.createStatement().executeQuery("SELECT count(*) FROM vault.items").next())
          .isTrue();
    }
    assertThatThrownBy(() -> db.login(user, lostPassword)).isInstanceOf(SQLException.class);
  }

  @Test
  void aCrashBetweenPublishingAndRecordingActiveEndsWithConsistentCredentials()
      throws SQLException {
    crash();
    TemporaryDbAccess tda =
        op.request(named("crash-2"), named("vault-read"), "olga@acme-corp.example", "1h");
    String user = db.expectedUsername(tda);
    String firstPassword = Passwords.generate();
    Instant expiry = Instant.now().plusSeconds(3600);
    engine.provision(new UserGrant(user, firstPassword, expiry, 5, "", crashedAttemptOwner(tda)));
    publishAsACrashedAttemptWould(tda, user, firstPassword, expiry);

    restart();
    TemporaryDbAccess active = op.awaitPhase(named("crash-2"), Phase.Active);

    assertThat(db.usersStartingWith("tdb_olga_")).containsExactly(user);
    assertThat(
            op
                .client()
                .secrets()
                .inNamespace(OperatorFixture.REQUESTS_NS)
                .list()
                .getItems()
                .stream()
                .filter(s -> s.getMetadata().getName().startsWith(named("crash-2"))))
        .hasSize(1);
    String published = op.publishedPassword(active);
    try (Connection c = db.login(user, published)) {
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  void aRetryThatFailsForGoodRemovesWhatTheCrashedAttemptLeft() throws SQLException {
    // Grant SQL that is not idempotent: the second attempt fails with a duplicate key.
    String onceSql = "INSERT INTO vault.allow_list VALUES (1);\n" + db.readonlySql("vault");
    op.target(db.key(), named("vault-once"), onceSql, null, "8h");
    crash();
    TemporaryDbAccess tda =
        op.request(named("once-1"), named("vault-once"), "rita@acme-corp.example", "1h");
    String user = db.expectedUsername(tda);
    String firstPassword = Passwords.generate();
    Instant expiry = Instant.now().plusSeconds(3600);
    engine.provision(
        new UserGrant(user, firstPassword, expiry, 5, onceSql, crashedAttemptOwner(tda)));
    publishAsACrashedAttemptWould(tda, user, firstPassword, expiry);

    restart();
    TemporaryDbAccess failed = op.awaitPhase(named("once-1"), Phase.Failed);

    assertThat(failed.getStatus().getMessage())
        .contains("grant SQL failed")
        .containsIgnoringCase("duplicate");
    assertThat(db.usersStartingWith("tdb_rita_")).isEmpty();
    assertThat(op.secret(named("once-1") + "-credentials")).isNull();
    assertThatThrownBy(() -> db.login(user, firstPassword)).isInstanceOf(SQLException.class);
  }

  /** The owner a crashed attempt of the operator marked its user with. */
  private static String crashedAttemptOwner(TemporaryDbAccess tda) {
    return GrantOwner.userMark(
        tda.getMetadata().getNamespace(),
        tda.getMetadata().getName(),
        tda.getSpec().getRequester());
  }

  /** Publishes credentials the way the operator does, as an attempt that then crashed would. */
  private void publishAsACrashedAttemptWould(
      TemporaryDbAccess tda, String user, String password, Instant expiry) {
    GrantOwner owner =
        new GrantOwner(
            "tempdb.dev/v1alpha1",
            "TemporaryDbAccess",
            tda.getMetadata().getNamespace(),
            tda.getMetadata().getName(),
            tda.getMetadata().getUid(),
            tda.getSpec().getRequester(),
            tda.getSpec().getRequestId());
    DatabaseServer server =
        op.client()
            .resources(DatabaseServer.class)
            .inNamespace(OperatorFixture.CONTROL_NS)
            .withName(db.key())
            .get();
    new KubernetesSecretSink(op.client())
        .publish(owner, ServerRegistry.credentials(server, user, password, expiry));
  }

  @Test
  void theServerRefusesLoginsAfterTheExpiryWhileTheOperatorIsDown() throws Exception {
    op.request(named("lapse-1"), named("vault-read"), "sara@acme-corp.example", "4s");
    TemporaryDbAccess active = op.awaitPhase(named("lapse-1"), Phase.Active);
    String user = active.getStatus().getUsername();
    String password = op.publishedPassword(active);
    Connection session = db.login(user, password);
    crash();

    // PostgreSQL: VALID UNTIL. MySQL/MariaDB: the expiry event locked the account and killed the
    // user's sessions.
    Duration untilExpiry =
        Duration.between(Instant.now(), Instant.parse(active.getStatus().getExpiresAt()));
    Awaitility.await()
        .pollDelay(untilExpiry.isNegative() ? Duration.ZERO : untilExpiry)
        .atMost(untilExpiry.plusSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                refusesLogin(user, password)
                    && (engineKind == Engine.POSTGRESQL || !session.isValid(1)));

    assertThatThrownBy(() -> db.login(user, password)).isInstanceOf(SQLException.class);
    if (engineKind != Engine.POSTGRESQL) {
      // MySQL and MariaDB: the same event also killed the user's sessions.
      assertThat(session.isValid(1)).as("the expiry event ended the session").isFalse();
    } else {
      // PostgreSQL has no server-side job to end sessions: the operator does it on its return.
      assertThat(session.isValid(1)).isTrue();
    }

    restart();
    op.awaitPhase(named("lapse-1"), Phase.Expired);
    assertThat(session.isValid(1)).isFalse();
    session.close();
    assertThat(db.userExists(user)).isFalse();
  }

  private boolean refusesLogin(String user, String password) {
    try (Connection c = db.login(user, password)) {
      return false;
    } catch (SQLException e) {
      return true;
    }
  }

  /**
   * Waits for the positive signal that the running operator has looked at every request before a
   * test asserts it changed nothing: its cache holds every Active request of the vault-read target
   * as Active (it has seen its own status writes come back), it has started at least one pass per
   * request in the API (each is reconciled once when the operator starts), and every pass it
   * started has finished, with none queued or running.
   */
  private void awaitOperatorCaughtUp() {
    List<TemporaryDbAccess> requests =
        op.client().resources(TemporaryDbAccess.class).inAnyNamespace().list().getItems();
    long active =
        requests.stream()
            .filter(r -> named("vault-read").equals(r.getSpec().getTarget()))
            .filter(r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.Active)
            .count();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                ScrapedMetrics.activeInCache(op.app(), named("vault-read")) == active
                    && ScrapedMetrics.requestPassesSettled(op.app(), requests.size()));
  }

  @Test
  void aRequestDeletedWhileTheOperatorIsDownIsRevokedOnRestart() throws SQLException {
    op.request(named("down-1"), named("vault-read"), "paul@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase(named("down-1"), Phase.Active);
    crash();
    op.client().resource(active).delete();
    assertThat(op.get(named("down-1"))).as("held by the finalizer").isNotNull();

    restart();
    op.awaitGone(named("down-1"));

    assertThat(db.usersStartingWith("tdb_paul_")).isEmpty();
    assertThat(op.secret(active.getStatus().getCredentials().getKubernetesSecret())).isNull();
  }
}
