package dev.tempdb.core.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.sink.Credentials;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.PublishedSecret;
import dev.tempdb.core.sink.SinkException;
import dev.tempdb.core.testing.SecretsManagerDouble;
import dev.tempdb.core.testing.SecretsManagerDouble.Secret;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The Secrets Manager sink through the real AWS SDK client against the protocol-level double. */
class AwsSecretsManagerSinkIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant EXPIRY = Instant.now().plus(30, ChronoUnit.MINUTES);

  private static SecretsManagerDouble aws;
  private GrantOwner owner;

  @BeforeAll
  static void startDouble() {
    aws = SecretsManagerDouble.start();
  }

  @AfterAll
  static void stopDouble() {
    aws.close();
  }

  @BeforeEach
  void newRequest() {
    aws.reset();
    owner = owner("dana.lee@acme-corp.example", "9b2e6c1d-3f4a-4e8b-8c7d-1a2b3c4d5e6f");
  }

  private static GrantOwner owner(String requester, String requestId) {
    return new GrantOwner(
        "tempdb.dev/v1alpha1",
        "TemporaryDbAccess",
        "team-a",
        "dana-readonly",
        UUID.randomUUID().toString(),
        requester,
        requestId);
  }

  static AwsSecretsManagerSettings settings(
      String template, int recoveryWindowDays, Duration timeout) {
    return new AwsSecretsManagerSettings(
        SecretsManagerDouble.REGION,
        aws.endpoint(),
        SecretNameTemplate.parse(template),
        "sym.user",
        "tempdb-operator",
        "alias/tempdb",
        recoveryWindowDays,
        timeout);
  }

  private static AwsSecretsManagerSink sink(AwsSecretsManagerSettings settings) {
    SecretsManagerClient client =
        SecretsManagerClients.create(
            settings,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-key")));
    return new AwsSecretsManagerSink(client, settings);
  }

  private static SecretsManagerClient client() {
    return SecretsManagerClients.create(
        settings(SecretNameTemplate.DEFAULT, 0, Duration.ofSeconds(10)),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-key")));
  }

  private static AwsSecretsManagerSink sink() {
    return sink(settings(SecretNameTemplate.DEFAULT, 0, Duration.ofSeconds(10)));
  }

  private static Credentials credentials(String password) {
    return new Credentials(
        Engine.POSTGRESQL,
        "db.internal.example",
        5432,
        "app",
        "tdb_dana_lee_1a2b3c4d",
        password,
        EXPIRY,
        TlsMode.VERIFY_FULL);
  }

  private static JsonNode value(Secret secret) throws Exception {
    return JSON.readTree(secret.currentValue().orElseThrow());
  }

  private String expectedName() {
    return "tempdb/dana.lee@acme-corp.example/" + owner.requestId();
  }

  @Test
  void publishCreatesOneSecretTaggedWithTheRequesterHoldingTheCredentialsAsJson() throws Exception {
    String password = Passwords.generate();

    PublishedSecret published = sink().publish(owner, credentials(password));

    Secret secret = aws.secret(expectedName()).orElseThrow();
    assertThat(published.name()).isEqualTo(expectedName());
    assertThat(published.arn()).isEqualTo(secret.arn()).startsWith("arn:aws:secretsmanager:");
    assertThat(secret.tags())
        .contains(
            entry("sym.user", "dana.lee@acme-corp.example"),
            entry("tempdb.dev/managed-by", "tempdb-operator"),
            entry("tempdb.dev/namespace", "team-a"),
            entry("tempdb.dev/name", "dana-readonly"),
            entry("tempdb.dev/uid", owner.uid()),
            entry("tempdb.dev/request-id", owner.requestId()),
            entry("tempdb.dev/expires-at", EXPIRY.toString()));
    assertThat(secret.kmsKeyId()).isEqualTo("alias/tempdb");
    assertThat(secret.description())
        .contains("dana.lee@acme-corp.example")
        .doesNotContain(password);
    JsonNode value = value(secret);
    assertThat(value.path("engine").asText()).isEqualTo("postgresql");
    assertThat(value.path("host").asText()).isEqualTo("db.internal.example");
    assertThat(value.path("port").isInt()).isTrue();
    assertThat(value.path("port").asInt()).isEqualTo(5432);
    assertThat(value.path("database").asText()).isEqualTo("app");
    assertThat(value.path("dbname").asText()).isEqualTo("app");
    assertThat(value.path("username").asText()).isEqualTo("tdb_dana_lee_1a2b3c4d");
    assertThat(value.path("password").asText()).isEqualTo(password);
    assertThat(value.path("expiresAt").asText()).isEqualTo(EXPIRY.toString());
    assertThat(value.path("uri").asText())
        .startsWith("postgresql://tdb_dana_lee_1a2b3c4d:")
        .endsWith("@db.internal.example:5432/app?sslmode=verify-full");
    assertThat(aws.calls()).containsExactly("CreateSecret");
  }

  @Test
  void publishingAgainAfterACrashStoresANewVersionInTheSameSecret() throws Exception {
    AwsSecretsManagerSink sink = sink();
    PublishedSecret first = sink.publish(owner, credentials(Passwords.generate()));
    String second = Passwords.generate();

    PublishedSecret again = sink.publish(owner, credentials(second));

    assertThat(again).isEqualTo(first);
    assertThat(aws.taggedWith("tempdb.dev/uid", owner.uid())).hasSize(1);
    Secret secret = aws.secret(expectedName()).orElseThrow();
    assertThat(secret.versionCount()).isEqualTo(2);
    assertThat(value(secret).path("password").asText()).isEqualTo(second);
  }

  @Test
  void aSecretThisRequestDeletedIntoItsRecoveryWindowIsRestoredAndReused() throws Exception {
    AwsSecretsManagerSink sink =
        sink(settings(SecretNameTemplate.DEFAULT, 7, Duration.ofSeconds(10)));
    sink.publish(owner, credentials(Passwords.generate()));
    sink.withdraw(owner);
    assertThat(aws.secret(expectedName()).orElseThrow().deletionDate()).isNotNull();
    String password = Passwords.generate();

    sink.publish(owner, credentials(password));

    Secret secret = aws.secret(expectedName()).orElseThrow();
    assertThat(secret.deletionDate()).isNull();
    assertThat(value(secret).path("password").asText()).isEqualTo(password);
  }

  @Test
  void aSecretOfAnotherRequestWithTheSameNameIsNeverOverwritten() throws Exception {
    AwsSecretsManagerSink sink = sink();
    String theirs = Passwords.generate();
    sink.publish(owner, credentials(theirs));
    GrantOwner other = owner(owner.requester(), owner.requestId());

    assertThatThrownBy(() -> sink.publish(other, credentials(Passwords.generate())))
        .isInstanceOf(SinkException.class)
        .matches(e -> ((SinkException) e).isPermanent())
        .hasMessageContaining("AWS secret " + expectedName() + " exists and belongs to request")
        .hasMessageContaining("team-a/dana-readonly (uid " + owner.uid() + ")")
        .hasMessageContaining("its own requestId");
    assertThat(value(aws.secret(expectedName()).orElseThrow()).path("password").asText())
        .isEqualTo(theirs);

    sink.withdraw(other);
    assertThat(aws.secret(expectedName())).isPresent();
  }

  @Test
  void aSecretNobodyManagesIsNeverOverwrittenOrDeletedEvenWhenScheduledForDeletion() {
    AwsSecretsManagerSink sink = sink();
    aws.putForeign(expectedName(), "someone else's", Map.of("team", "payments"));

    assertThatThrownBy(() -> sink.publish(owner, credentials(Passwords.generate())))
        .isInstanceOf(SinkException.class)
        .matches(e -> ((SinkException) e).isPermanent())
        .hasMessageContaining("belongs to nothing managed by tempdb-operator")
        .hasMessageContaining("--force-delete-without-recovery --secret-id " + expectedName());
    sink.withdraw(owner);
    assertThat(aws.secret(expectedName()).orElseThrow().currentValue()).hasValue("someone else's");
  }

  @Test
  void withdrawDeletesAtOnceByDefaultAndAnAbsentSecretCountsAsWithdrawn() {
    AwsSecretsManagerSink sink = sink();
    sink.publish(owner, credentials(Passwords.generate()));

    sink.withdraw(owner);
    sink.withdraw(owner);

    assertThat(aws.secret(expectedName())).isEmpty();
    assertThat(aws.calls()).contains("DeleteSecret").doesNotContain("RestoreSecret");
  }

  @Test
  void withdrawWithARecoveryWindowSchedulesTheDeletionOnce() {
    AwsSecretsManagerSink sink =
        sink(settings(SecretNameTemplate.DEFAULT, 7, Duration.ofSeconds(10)));
    sink.publish(owner, credentials(Passwords.generate()));

    sink.withdraw(owner);
    sink.withdraw(owner); // already scheduled: AWS would refuse a second DeleteSecret

    Instant deletion = aws.secret(expectedName()).orElseThrow().deletionDate();
    assertThat(deletion)
        .isBetween(
            Instant.now().plus(Duration.ofDays(7)).minusSeconds(60),
            Instant.now().plus(Duration.ofDays(7)));
    assertThat(aws.calls().stream().filter("DeleteSecret"::equals)).hasSize(1);
  }

  @Test
  void withdrawAlsoFindsASecretPublishedUnderAnEarlierNameTemplate() {
    sink(settings("old/{namespace}/{name}", 0, Duration.ofSeconds(10)))
        .publish(owner, credentials(Passwords.generate()));

    sink().withdraw(owner);

    assertThat(aws.taggedWith("tempdb.dev/uid", owner.uid())).isEmpty();
  }

  @Test
  void updateExpiryRewritesValueAndTagAndKeepsThePassword() throws Exception {
    AwsSecretsManagerSink sink = sink();
    String password = Passwords.generate();
    sink.publish(owner, credentials(password));
    Instant later = EXPIRY.plus(1, ChronoUnit.HOURS);

    sink.updateExpiry(owner, later);

    Secret secret = aws.secret(expectedName()).orElseThrow();
    assertThat(value(secret).path("expiresAt").asText()).isEqualTo(later.toString());
    assertThat(value(secret).path("password").asText()).isEqualTo(password);
    assertThat(secret.tags()).containsEntry("tempdb.dev/expires-at", later.toString());
  }

  @Test
  void updateExpiryOfAValueSomeoneReplacedKeepsTheirValueAndMovesOnlyTheTag() {
    AwsSecretsManagerSettings settings =
        settings(SecretNameTemplate.DEFAULT, 0, Duration.ofSeconds(10));
    AwsSecretsManagerSink sink = sink(settings);
    sink.publish(owner, credentials(Passwords.generate()));
    client().putSecretValue(b -> b.secretId(expectedName()).secretString("not {json"));
    Instant later = EXPIRY.plus(2, ChronoUnit.HOURS);

    sink.updateExpiry(owner, later);

    Secret secret = aws.secret(expectedName()).orElseThrow();
    assertThat(secret.currentValue()).hasValue("not {json");
    assertThat(secret.tags()).containsEntry("tempdb.dev/expires-at", later.toString());
  }

  @Test
  void updateExpiryOfARequestThatPublishedNothingHereChangesNothing() {
    sink().updateExpiry(owner, EXPIRY);

    assertThat(aws.calls()).containsExactly("DescribeSecret");
  }

  @Test
  void aRequesterAwsCannotTagFailsPermanentlyBeforeAnythingIsCreated() {
    GrantOwner odd = owner("50%off@acme.example", "r1");

    assertThatThrownBy(() -> sink().publish(odd, credentials(Passwords.generate())))
        .isInstanceOf(SinkException.class)
        .matches(e -> ((SinkException) e).isPermanent());
    assertThat(aws.calls()).isEmpty();
  }

  @Test
  void serviceErrorsAreRetriedByTheSdkThenReportedRetryableWithoutTheSecret() {
    aws.failEchoingTheValue("CreateSecret", 3, 500, "InternalServiceError");
    String password = Passwords.generate();

    assertThatThrownBy(() -> sink().publish(owner, credentials(password)))
        .isInstanceOf(SinkException.class)
        .matches(e -> !((SinkException) e).isPermanent())
        .hasMessageContaining("CreateSecret of " + expectedName() + " failed: InternalServiceError")
        .hasMessageContaining("\"password\":\"****\"")
        .hasMessageNotContaining(password);
    assertThat(aws.calls()).containsExactly("CreateSecret", "CreateSecret", "CreateSecret");
    assertThat(aws.secret(expectedName())).isEmpty();
  }

  @Test
  void awsRefusingAParameterIsPermanentSinceRetryingCannotHelp() {
    aws.fail("CreateSecret", 1, 400, "InvalidParameterException");

    assertThatThrownBy(() -> sink().publish(owner, credentials(Passwords.generate())))
        .isInstanceOf(SinkException.class)
        .matches(e -> ((SinkException) e).isPermanent())
        .hasMessageContaining("InvalidParameterException");
  }

  @Test
  void aForeignSecretScheduledForDeletionIsLeftAloneAndTheMessageSaysWhenItGoes() {
    aws.putForeign(expectedName(), "theirs", Map.of("team", "payments"));
    client().deleteSecret(b -> b.secretId(expectedName()).recoveryWindowInDays(7L));

    assertThatThrownBy(() -> sink().publish(owner, credentials(Passwords.generate())))
        .isInstanceOf(SinkException.class)
        .matches(e -> ((SinkException) e).isPermanent())
        .hasMessageContaining("is scheduled for deletion on")
        .hasMessageContaining("belongs to nothing managed by tempdb-operator");
    assertThat(aws.calls()).doesNotContain("RestoreSecret", "PutSecretValue");
  }

  @Test
  void withdrawNeverDeletesASecretThatOnlyCopiesThisRequestsUidTag() {
    aws.putForeign("elsewhere/copy", "theirs", Map.of("tempdb.dev/uid", owner.uid()));

    sink().withdraw(owner);

    assertThat(aws.secret("elsewhere/copy")).isPresent();
    assertThat(aws.calls()).doesNotContain("DeleteSecret");
  }

  @Test
  void aTransientErrorThatClearsWithinTheSdkRetriesPublishes() {
    aws.fail("CreateSecret", 1, 503, "ServiceUnavailable");

    sink().publish(owner, credentials(Passwords.generate()));

    assertThat(aws.secret(expectedName())).isPresent();
  }

  @Test
  void accessDeniedNamesThePolicyTheOperatorNeeds() {
    aws.fail("CreateSecret", 1, 400, "AccessDeniedException");

    assertThatThrownBy(() -> sink().publish(owner, credentials(Passwords.generate())))
        .isInstanceOf(SinkException.class)
        .matches(e -> !((SinkException) e).isPermanent())
        .hasMessageContaining("AccessDeniedException")
        .hasMessageContaining("deploy/aws/operator-policy.json");
  }

  @Test
  void aServiceThatDoesNotAnswerIsCutOffByTheApiCallTimeout() {
    for (int i = 0; i < 3; i++) {
      aws.delay("CreateSecret", Duration.ofSeconds(5));
    }
    AwsSecretsManagerSink sink =
        sink(settings(SecretNameTemplate.DEFAULT, 0, Duration.ofMillis(1500)));
    long start = System.nanoTime();

    assertThatThrownBy(() -> sink.publish(owner, credentials(Passwords.generate())))
        .isInstanceOf(SinkException.class)
        .matches(e -> !((SinkException) e).isPermanent())
        .hasMessageContaining("CreateSecret");
    // Bounded by the call timeout (1.5 s), not by the 5 s per attempt the service takes.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }
}
