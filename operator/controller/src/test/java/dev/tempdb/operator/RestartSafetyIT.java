package dev.tempdb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.KubernetesSecretSink;
import dev.tempdb.core.testing.PostgresFixture;
import dev.tempdb.operator.servers.ServerRegistry;
import dev.tempdb.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.api.model.Secret;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crash and restart safety: the operator is stopped at a chosen point (as a crash leaves things),
 * the state a crashed attempt would have left is recreated, and a restarted operator must end with
 * exactly one user and consistent, working credentials.
 */
class RestartSafetyIT {
  static OperatorFixture op;
  static DatabaseEngine engine;

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
    op.postgres()
        .superuser(
            "DROP SCHEMA IF EXISTS vault CASCADE",
            "CREATE SCHEMA vault",
            "CREATE TABLE vault.items (id int)");
    op.target(
        "vault-read",
        "GRANT USAGE ON SCHEMA vault TO {username}; GRANT SELECT ON vault.items TO {username};",
        null,
        "8h");
    engine = DatabaseEngines.open(op.postgres().endpoint("restart"), Clock.systemUTC());
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
    engine.close();
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
    op.request("restart-1", "vault-read", "mona@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase("restart-1", Phase.Active);
    Secret before = op.secret(active.getStatus().getCredentials().getKubernetesSecret());
    String password = OperatorFixture.decode(before).get("password");

    crash();
    restart();
    // Give the restarted operator time to reconcile everything it finds.
    Thread.sleep(3000);

    Secret after = op.secret(active.getStatus().getCredentials().getKubernetesSecret());
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(op.get("restart-1").getMetadata().getResourceVersion())
        .as("no status write either")
        .isEqualTo(active.getMetadata().getResourceVersion());
    try (Connection c = op.postgres().login(active.getStatus().getUsername(), password)) {
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  void aCrashBetweenCreatingTheUserAndPublishingEndsWithOneWorkingUser() throws SQLException {
    crash();
    TemporaryDbAccess tda = op.request("crash-1", "vault-read", "nora@acme-corp.example", "1h");
    String user = expectedUsername(tda);
    String lostPassword = Passwords.generate();
    // What the crashed attempt did: the user exists, nobody was told its password.
    engine.provision(
        new UserGrant(user, lostPassword, Instant.now().plusSeconds(3600), 5, "", "crashed"));

    restart();
    TemporaryDbAccess active = op.awaitPhase("crash-1", Phase.Active);

    assertThat(active.getStatus().getUsername()).isEqualTo(user);
    assertThat(roles("tdb_nora_%")).containsExactly(user);
    String published = op.publishedPassword(active);
    try (Connection c = op.postgres().login(user, published)) {
      assertThat(c.createStatement().executeQuery("SELECT count(*) FROM vault.items").next())
          .isTrue();
    }
    assertThatThrownBy(() -> op.postgres().login(user, lostPassword))
        .isInstanceOf(SQLException.class);
  }

  @Test
  void aCrashBetweenPublishingAndRecordingActiveEndsWithConsistentCredentials()
      throws SQLException {
    crash();
    TemporaryDbAccess tda = op.request("crash-2", "vault-read", "olga@acme-corp.example", "1h");
    String user = expectedUsername(tda);
    String firstPassword = Passwords.generate();
    Instant expiry = Instant.now().plusSeconds(3600);
    engine.provision(new UserGrant(user, firstPassword, expiry, 5, "", "crashed"));
    publishAsACrashedAttemptWould(tda, user, firstPassword, expiry);

    restart();
    TemporaryDbAccess active = op.awaitPhase("crash-2", Phase.Active);

    assertThat(roles("tdb_olga_%")).containsExactly(user);
    assertThat(
            op
                .client()
                .secrets()
                .inNamespace(OperatorFixture.REQUESTS_NS)
                .list()
                .getItems()
                .stream()
                .filter(s -> s.getMetadata().getName().startsWith("crash-2")))
        .hasSize(1);
    String published = op.publishedPassword(active);
    try (Connection c = op.postgres().login(user, published)) {
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  void aRetryThatFailsForGoodRemovesWhatTheCrashedAttemptLeft() throws SQLException {
    // Grant SQL that is not idempotent: the second attempt fails with a duplicate key.
    op.postgres()
        .superuser(
            "CREATE TABLE IF NOT EXISTS vault.allow_list (username text PRIMARY KEY)",
            "GRANT USAGE ON SCHEMA vault TO PUBLIC");
    op.target("vault-once", "INSERT INTO vault.allow_list VALUES ('{username}');", null, "8h");
    crash();
    TemporaryDbAccess tda = op.request("once-1", "vault-once", "rita@acme-corp.example", "1h");
    String user = expectedUsername(tda);
    String firstPassword = Passwords.generate();
    Instant expiry = Instant.now().plusSeconds(3600);
    engine.provision(
        new UserGrant(
            user,
            firstPassword,
            expiry,
            5,
            "INSERT INTO vault.allow_list VALUES ('{username}');",
            "crashed"));
    publishAsACrashedAttemptWould(tda, user, firstPassword, expiry);

    restart();
    TemporaryDbAccess failed = op.awaitPhase("once-1", Phase.Failed);

    assertThat(failed.getStatus().getMessage()).contains("grant SQL failed").contains("duplicate");
    assertThat(roles("tdb_rita_%")).isEmpty();
    assertThat(op.secret("once-1-credentials")).isNull();
    assertThatThrownBy(() -> op.postgres().login(user, firstPassword))
        .isInstanceOf(SQLException.class);
  }

  /** Publishes credentials the way the operator does, as an attempt that then crashed would. */
  private static void publishAsACrashedAttemptWould(
      TemporaryDbAccess tda, String user, String password, Instant expiry) {
    GrantOwner owner =
        new GrantOwner(
            "tempdb.dev/v1alpha1",
            "TemporaryDbAccess",
            tda.getMetadata().getNamespace(),
            tda.getMetadata().getName(),
            tda.getMetadata().getUid());
    DatabaseServer server =
        op.client()
            .resources(DatabaseServer.class)
            .inNamespace(OperatorFixture.CONTROL_NS)
            .withName(OperatorFixture.SERVER)
            .get();
    new KubernetesSecretSink(op.client())
        .publish(owner, ServerRegistry.credentials(server, user, password, expiry));
  }

  @Test
  void aRequestDeletedWhileTheOperatorIsDownIsRevokedOnRestart() throws SQLException {
    op.request("down-1", "vault-read", "paul@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase("down-1", Phase.Active);
    crash();
    op.client().resource(active).delete();
    assertThat(op.get("down-1")).as("held by the finalizer").isNotNull();

    restart();
    op.awaitGone("down-1");

    assertThat(roles("tdb_paul_%")).isEmpty();
    assertThat(op.secret(active.getStatus().getCredentials().getKubernetesSecret())).isNull();
  }

  private static String expectedUsername(TemporaryDbAccess tda) {
    return Usernames.forGrant("tdb_", tda.getSpec().getRequester(), tda.getMetadata().getUid(), 63);
  }

  /** Roles starting with the part before the trailing %. */
  private static List<String> roles(String prefixPattern) throws SQLException {
    String prefix = prefixPattern.substring(0, prefixPattern.length() - 1);
    try (Connection c = PostgresFixture.get().superuserDataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT rolname FROM pg_roles WHERE starts_with(rolname, '" + prefix + "')")) {
      List<String> names = new java.util.ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }
}
