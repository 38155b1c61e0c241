package dev.tempdb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.aws.AwsSecretsManagerSettings;
import dev.tempdb.core.sink.aws.AwsSecretsManagerSink;
import dev.tempdb.core.sink.aws.SecretsManagerClients;
import dev.tempdb.core.testing.SecretsManagerDouble;
import dev.tempdb.core.testing.SecretsManagerDouble.Secret;
import dev.tempdb.operator.servers.ServerRegistry;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.Condition;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Credentials delivered through AWS Secrets Manager, end to end: the real operator, real
 * PostgreSQL, the mock API server, and the real AWS SDK client against the Secrets Manager double.
 */
class AwsDeliveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AWS_ONLY = "aws-readonly";
  private static final String BOTH = "aws-and-k8s-readonly";
  private static final String DEFAULT_DELIVERY = "k8s-readonly";

  static SecretsManagerDouble aws;
  static AwsSecretsManagerSettings settings;
  static OperatorFixture op;
  static TestDatabase db = TestDatabase.of(Engine.POSTGRESQL);

  @BeforeAll
  static void start() {
    aws = SecretsManagerDouble.start();
    settings = aws.operatorSettings();
    op = new OperatorFixture(config -> config.withAws(settings));
    db.recreateSchema("ledger", "entries (id int PRIMARY KEY, amount int)");
    db.admin("INSERT INTO ledger.entries VALUES (1, 100)");
    String sql = db.readonlySql("ledger");
    op.target(db.key(), AWS_ONLY, sql, null, "8h", List.of(DeliveryMethod.AwsSecretsManager));
    op.target(
        db.key(),
        BOTH,
        sql,
        null,
        "8h",
        List.of(DeliveryMethod.KubernetesSecret, DeliveryMethod.AwsSecretsManager));
    op.target(db.key(), DEFAULT_DELIVERY, sql, null, "8h", null);
  }

  @AfterAll
  static void stop() {
    op.close();
    aws.close();
  }

  @BeforeEach
  void healAws() {
    aws.heal();
  }

  private static JsonNode currentValue(String secretName) throws Exception {
    return JSON.readTree(aws.secret(secretName).orElseThrow().currentValue().orElseThrow());
  }

  private static String condition(TemporaryDbAccess tda, String type) {
    Condition c = Conditions.find(tda.getStatus().getConditions(), type).orElseThrow();
    return c.getStatus() + "/" + c.getReason();
  }

  @Test
  void aGrantPublishesASecretTaggedWithTheRequesterWhoseCredentialsLogIn() throws Exception {
    op.request("aws-1", AWS_ONLY, "dana.lee@acme-corp.example", "1h", s -> s.setRequestId("run-1"));

    TemporaryDbAccess active = op.awaitPhase("aws-1", Phase.Active);

    var published = active.getStatus().getCredentials();
    assertThat(published.getAwsSecretName()).isEqualTo("tempdb/dana.lee@acme-corp.example/run-1");
    assertThat(published.getKubernetesSecret()).isNull();
    Secret secret = aws.secret(published.getAwsSecretName()).orElseThrow();
    assertThat(published.getAwsSecretArn()).isEqualTo(secret.arn());
    assertThat(secret.tags())
        .contains(
            entry("sym.user", "dana.lee@acme-corp.example"),
            entry("tempdb.dev/uid", active.getMetadata().getUid()),
            entry("tempdb.dev/expires-at", active.getStatus().getExpiresAt()));
    assertThat(active.getStatus().getMessage())
        .contains("credentials in AWS secret tempdb/dana.lee@acme-corp.example/run-1");
    assertThat(op.secret("aws-1-credentials")).as("no Kubernetes Secret asked for").isNull();
    JsonNode value = currentValue(published.getAwsSecretName());
    assertThat(value.path("username").asText()).isEqualTo(active.getStatus().getUsername());
    assertThat(value.path("host").asText()).isEqualTo("db.example.internal");
    try (Connection c =
        db.login(value.path("username").asText(), value.path("password").asText())) {
      assertThat(c.createStatement().executeQuery("SELECT amount FROM ledger.entries").next())
          .isTrue();
    }
  }

  @Test
  void bothDeliveriesCarryTheSamePasswordAndExpiryRemovesBoth() throws Exception {
    op.request("aws-2", BOTH, "erin@acme-corp.example", "3s");
    TemporaryDbAccess active = op.awaitPhase("aws-2", Phase.Active);
    String name = active.getStatus().getCredentials().getAwsSecretName();
    assertThat(name).isEqualTo("tempdb/erin@acme-corp.example/" + active.getMetadata().getUid());
    assertThat(currentValue(name).path("password").asText())
        .isEqualTo(op.publishedPassword(active));

    TemporaryDbAccess expired = op.awaitPhase("aws-2", Phase.Expired);

    assertThat(aws.secret(name)).as("deleted without recovery by default").isEmpty();
    assertThat(op.secret("aws-2-credentials")).isNull();
    assertThat(db.userExists(expired.getStatus().getUsername())).isFalse();
  }

  @Test
  void aRequestCanAskForAwsDeliveryAndDeletingItWithdrawsTheSecret() {
    op.request(
        "aws-3",
        DEFAULT_DELIVERY,
        "fay@acme-corp.example",
        "1h",
        s -> s.setDelivery(List.of(DeliveryMethod.AwsSecretsManager)));
    TemporaryDbAccess active = op.awaitPhase("aws-3", Phase.Active);
    String name = active.getStatus().getCredentials().getAwsSecretName();
    assertThat(aws.secret(name)).isPresent();

    op.client().resource(active).delete();
    op.awaitGone("aws-3");

    assertThat(aws.taggedWith("tempdb.dev/uid", active.getMetadata().getUid())).isEmpty();
    assertThat(db.userExists(active.getStatus().getUsername())).isFalse();
  }

  @Test
  void aCrashBetweenPublishingAndRecordingActiveLeavesOneSecretWithWorkingCredentials()
      throws Exception {
    op.stop();
    TemporaryDbAccess tda =
        op.request("aws-4", AWS_ONLY, "gus@acme-corp.example", "1h", s -> s.setRequestId("run-4"));
    String user = db.expectedUsername(tda);
    String firstPassword = Passwords.generate();
    Instant expiry = Instant.now().plusSeconds(3600);
    // What the crashed attempt did: created the user and published its credentials.
    try (DatabaseEngine engine = DatabaseEngines.open(db.endpoint("crashed"), Clock.systemUTC())) {
      engine.provision(
          new UserGrant(
              user,
              firstPassword,
              expiry,
              5,
              "",
              GrantOwner.userMark(OperatorFixture.REQUESTS_NS, "aws-4", "gus@acme-corp.example")));
    }
    new AwsSecretsManagerSink(
            SecretsManagerClients.create(
                settings,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "t"))),
            settings)
        .publish(
            new GrantOwner(
                "tempdb.dev/v1alpha1",
                "TemporaryDbAccess",
                OperatorFixture.REQUESTS_NS,
                "aws-4",
                tda.getMetadata().getUid(),
                "gus@acme-corp.example",
                "run-4"),
            ServerRegistry.credentials(
                op.client()
                    .resources(DatabaseServer.class)
                    .inNamespace(OperatorFixture.CONTROL_NS)
                    .withName(db.key())
                    .get(),
                user,
                firstPassword,
                expiry));

    op.start();
    TemporaryDbAccess active = op.awaitPhase("aws-4", Phase.Active);

    List<Secret> secrets = aws.taggedWith("tempdb.dev/uid", active.getMetadata().getUid());
    assertThat(secrets).hasSize(1);
    assertThat(secrets.get(0).versionCount()).isEqualTo(2);
    JsonNode value = currentValue(secrets.get(0).name());
    try (Connection c = db.login(user, value.path("password").asText())) {
      assertThat(c.isValid(2)).isTrue();
    }
    assertThatThrownBy(() -> db.login(user, firstPassword)).isInstanceOf(SQLException.class);
  }

  @Test
  void whilePublishingFailsTheGrantIsNotActiveHasNoUserAndSaysWhyThenRecovers() {
    aws.fail("CreateSecret", 1000, 500, "InternalServiceError");
    TemporaryDbAccess tda = op.request("aws-5", AWS_ONLY, "hal@acme-corp.example", "1h");
    String user = db.expectedUsername(tda);

    TemporaryDbAccess failing =
        op.awaitRequest(
            "aws-5",
            t ->
                t.getStatus() != null
                    && t.getStatus().getConditions().stream()
                        .anyMatch(c -> "PublishFailed".equals(c.getReason())));

    assertThat(failing.getStatus().getPhase()).isEqualTo(Phase.Provisioning);
    assertThat(condition(failing, Conditions.READY)).isEqualTo("False/PublishFailed");
    assertThat(failing.getStatus().getMessage())
        .contains("Publishing credentials failed, so user " + user + " was removed again")
        .contains("InternalServiceError");
    // Each attempt removes the user again: none is left working between attempts.
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !db.userExists(user));
    op.awaitEvent("aws-5", "PublishFailed");
    assertThat(op.eventsFor("aws-5"))
        .filteredOn(e -> "PublishFailed".equals(e.getReason()))
        .hasSize(1);

    aws.heal();
    TemporaryDbAccess active = op.awaitPhase("aws-5", Phase.Active);
    assertThat(db.userExists(active.getStatus().getUsername())).isTrue();
    assertThat(aws.taggedWith("tempdb.dev/uid", active.getMetadata().getUid())).hasSize(1);
  }

  @Test
  void aSecretNameTakenBySomeoneElseFailsTheRequestAndRemovesTheUser() {
    aws.putForeign("tempdb/ivy@acme-corp.example/run-6", "not ours", Map.of());
    TemporaryDbAccess tda =
        op.request("aws-6", AWS_ONLY, "ivy@acme-corp.example", "1h", s -> s.setRequestId("run-6"));

    TemporaryDbAccess failed = op.awaitPhase("aws-6", Phase.Failed);

    assertThat(condition(failed, Conditions.READY)).isEqualTo("False/PublishFailed");
    assertThat(failed.getStatus().getMessage())
        .contains("AWS secret tempdb/ivy@acme-corp.example/run-6 exists")
        .contains("nothing managed by tempdb-operator");
    assertThat(db.userExists(db.expectedUsername(tda))).isFalse();
    assertThat(aws.secret("tempdb/ivy@acme-corp.example/run-6").orElseThrow().currentValue())
        .hasValue("not ours");
  }

  @Test
  void extendingAGrantMovesTheExpiryInTheSecret() throws Exception {
    TemporaryDbAccess tda = op.request("aws-7", AWS_ONLY, "jo@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase("aws-7", Phase.Active);
    String name = active.getStatus().getCredentials().getAwsSecretName();
    String password = currentValue(name).path("password").asText();

    tda = op.get("aws-7");
    tda.getSpec().setTtl("2h");
    op.client().resource(tda).update();
    TemporaryDbAccess extended =
        op.awaitRequest(
            "aws-7", t -> !t.getStatus().getExpiresAt().equals(active.getStatus().getExpiresAt()));

    JsonNode value = currentValue(name);
    assertThat(value.path("expiresAt").asText()).isEqualTo(extended.getStatus().getExpiresAt());
    assertThat(value.path("password").asText()).isEqualTo(password);
    assertThat(aws.secret(name).orElseThrow().tags())
        .containsEntry("tempdb.dev/expires-at", extended.getStatus().getExpiresAt());
  }

  @Test
  void theSweepDeletesTheSecretOfARequestWhoseFinalizerWasRemovedByHand() {
    TemporaryDbAccess kept =
        op.awaitPhase(
            op.request("aws-8", AWS_ONLY, "kim@acme-corp.example", "1h").getMetadata().getName(),
            Phase.Active);
    TemporaryDbAccess forced =
        op.awaitPhase(
            op.request("aws-9", AWS_ONLY, "lou@acme-corp.example", "1h").getMetadata().getName(),
            Phase.Active);
    String orphan = forced.getStatus().getCredentials().getAwsSecretName();
    aws.putForeign("tempdb/someone-elses", "not ours", Map.of("team", "payments"));

    op.stop();
    op.client()
        .resource(forced)
        .edit(
            t -> {
              t.getMetadata().setFinalizers(List.of());
              return t;
            });
    op.client().resource(forced).delete();
    op.awaitGone("aws-9");
    op.start();
    assertThat(aws.secret(orphan)).as("nobody withdrew it").isPresent();

    // Other tests' requests are still live: only the orphan may go.
    assertThat(op.app().sweeper().sweepAwsSecrets())
        .contains(orphan)
        .doesNotContain(kept.getStatus().getCredentials().getAwsSecretName());

    assertThat(aws.secret(orphan)).isEmpty();
    assertThat(aws.secret(kept.getStatus().getCredentials().getAwsSecretName())).isPresent();
    assertThat(aws.secret("tempdb/someone-elses")).isPresent();
  }

  @Test
  void anAwsOutageDoesNotHoldUpRequestsThatNeverUsedAws() {
    op.request("aws-10", DEFAULT_DELIVERY, "max@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase("aws-10", Phase.Active);
    for (String operation : List.of("ListSecrets", "DescribeSecret", "DeleteSecret")) {
      aws.fail(operation, 1000, 500, "InternalServiceError");
    }

    op.client().resource(active).delete();

    op.awaitGone("aws-10");
    assertThat(db.userExists(active.getStatus().getUsername())).isFalse();
  }
}
