package dev.tempdb.core.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.sink.Credentials;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.SinkException;
import dev.tempdb.core.sink.aws.IamEnforcingInterceptor.Check;
import dev.tempdb.core.testing.SecretsManagerDouble;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's real sink, through the real SDK client, with the shipped operator policy enforced
 * in front of the Secrets Manager double (IamEnforcingInterceptor): every call it makes over a
 * grant's life is allowed and carries what the policy requires, and other installations' or
 * unmanaged secrets are left alone without the sink ever needing a permission on them.
 */
class OperatorPolicyEnforcedIT {
  private static final String OURS = AwsSecretsManagerSettings.DEFAULT_MANAGED_BY;
  private static final String MANAGED_BY = "aws:RequestTag/" + SecretTags.MANAGED_BY;

  private SecretsManagerDouble aws;
  private IamEnforcingInterceptor iam;
  private GrantOwner owner;

  @BeforeEach
  void start() {
    aws = SecretsManagerDouble.start();
    iam =
        new IamEnforcingInterceptor(
            SecretsManagerAuthorization.shippedPolicy("operator-policy.json"), aws);
    owner = owner();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  private static GrantOwner owner() {
    return new GrantOwner(
        "tempdb.dev/v1alpha1",
        "TemporaryDbAccess",
        "team-a",
        "dana-readonly",
        UUID.randomUUID().toString(),
        "dana.lee@acme-corp.example",
        "run-" + UUID.randomUUID());
  }

  private AwsSecretsManagerSink sink(int recoveryWindowDays) {
    return sink(iam, recoveryWindowDays);
  }

  private AwsSecretsManagerSink sink(IamEnforcingInterceptor enforced, int recoveryWindowDays) {
    AwsSecretsManagerSettings settings =
        new AwsSecretsManagerSettings(
            SecretsManagerDouble.REGION,
            aws.endpoint(),
            SecretNameTemplate.parse(SecretNameTemplate.DEFAULT),
            AwsSecretsManagerSettings.DEFAULT_REQUESTER_TAG,
            OURS,
            null,
            recoveryWindowDays,
            Duration.ofSeconds(10));
    return new AwsSecretsManagerSink(enforced.client(), settings);
  }

  private static Credentials credentials() {
    return new Credentials(
        Engine.POSTGRESQL,
        "db.internal.example",
        5432,
        "app",
        "tdb_dana_lee_1a2b3c4d",
        "pw-" + UUID.randomUUID(),
        Instant.now().plusSeconds(600),
        TlsMode.REQUIRE);
  }

  private String name() {
    return "tempdb/" + owner.requester() + "/" + owner.requestId();
  }

  /** Drives the sink through every path of a grant's life that touches AWS. */
  private void fullLifecycle() {
    AwsSecretsManagerSink windowed = sink(7);
    windowed.publish(owner, credentials()); // create
    windowed.publish(owner, credentials()); // republish after a crash
    windowed.updateExpiry(owner, Instant.now().plusSeconds(1200));
    windowed.withdraw(owner); // into the recovery window
    windowed.publish(owner, credentials()); // restore our own deleted secret
    windowed.listPublished().forEach(windowed::deleteOrphan); // the sweep
    sink(0).publish(owner, credentials());
    sink(0).withdraw(owner); // immediate deletion
  }

  /** Every IAM action the sink needs over a grant's whole life, as IAM authorizes them. */
  static Set<String> callsOfAFullLifecycle() {
    OperatorPolicyEnforcedIT test = new OperatorPolicyEnforcedIT();
    test.start();
    try {
      test.fullLifecycle();
      return test.iam.checks().stream()
          .map(c -> c.request().action())
          .collect(Collectors.toCollection(TreeSet::new));
    } finally {
      test.stop();
    }
  }

  @Test
  void everyCallOfAGrantsWholeLifeIsAllowedByTheOperatorPolicy() {
    fullLifecycle();

    assertThat(iam.denied()).isEmpty();
    assertThat(aws.secret(name())).isEmpty();
    List<Check> checks = iam.checks();
    assertThat(checks.stream().map(c -> c.request().action()))
        .contains(
            "secretsmanager:CreateSecret",
            "secretsmanager:PutSecretValue",
            "secretsmanager:GetSecretValue",
            "secretsmanager:TagResource",
            "secretsmanager:RestoreSecret",
            "secretsmanager:DeleteSecret",
            "secretsmanager:ListSecrets");
    assertThat(checks.stream().filter(c -> c.request().action().endsWith(":CreateSecret")))
        .as("CreateSecret carries the managed-by tag itself, never left for a later TagResource")
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.request().values(MANAGED_BY)).containsExactly(OURS));
    assertThat(checks.stream().filter(c -> c.request().action().endsWith(":TagResource")))
        .as("every tagging restates managed-by on a secret that already is this installation's")
        .allSatisfy(
            c -> {
              assertThat(c.request().values(MANAGED_BY)).containsExactly(OURS);
              assertThat(c.request().values("aws:ResourceTag/" + SecretTags.MANAGED_BY))
                  .containsExactly(OURS);
            });
  }

  @Test
  void aSecretOfAnotherInstallationAtTheSameNameIsNeitherOverwrittenNorDeleted() {
    String uid = UUID.randomUUID().toString();
    aws.putForeign(
        name(), "theirs", Map.of(SecretTags.MANAGED_BY, "tempdb-prod-eu", SecretTags.UID, uid));

    assertThatThrownBy(() -> sink(0).publish(owner, credentials()))
        .isInstanceOf(SinkException.class)
        .matches(e -> ((SinkException) e).isPermanent(), "permanent")
        .hasMessageContaining(
            "AWS secret " + name() + " exists and is not managed by this operator installation")
        .hasMessageContaining("TEMPDB_AWS_MANAGED_BY=" + OURS)
        .hasMessageContaining("give this request its own requestId")
        .hasMessageContaining("--force-delete-without-recovery --secret-id " + name());
    sink(0).withdraw(owner);
    sink(0).updateExpiry(owner, Instant.now().plusSeconds(60));

    SecretsManagerDouble.Secret secret = aws.secret(name()).orElseThrow();
    assertThat(secret.currentValue()).hasValue("theirs");
    assertThat(secret.versionCount()).isEqualTo(1);
    assertThat(secret.tags()).containsEntry(SecretTags.MANAGED_BY, "tempdb-prod-eu");
    assertThat(aws.calls()).doesNotContain("PutSecretValue", "TagResource", "DeleteSecret");
  }

  @Test
  void anUntaggedSecretAtTheSameNameIsNeitherAdoptedNorDeleted() {
    aws.putForeign(name(), "someone else's", Map.of());

    assertThatThrownBy(() -> sink(7).publish(owner, credentials()))
        .isInstanceOf(SinkException.class)
        .matches(e -> ((SinkException) e).isPermanent(), "permanent")
        .hasMessageContaining("is not managed by this");
    sink(7).withdraw(owner);

    assertThat(aws.secret(name()).orElseThrow().tags()).isEmpty();
    assertThat(aws.secret(name()).orElseThrow().deletionDate()).isNull();
  }

  @Test
  void withdrawLeavesAnotherInstallationsSecretThatCarriesThisRequestsUidWithoutTryingIt() {
    AwsSecretsManagerSink sink = sink(0);
    sink.publish(owner, credentials());
    aws.putForeign(
        "tempdb/prod-eu/copy",
        "theirs",
        Map.of(SecretTags.UID, owner.uid(), SecretTags.MANAGED_BY, "tempdb-prod-eu"));

    sink.withdraw(owner);

    assertThat(aws.secret(name())).isEmpty();
    assertThat(aws.secret("tempdb/prod-eu/copy")).isPresent();
    assertThat(iam.denied()).as("nothing it is not allowed to do was even attempted").isEmpty();
  }

  /**
   * Denied on a secret ListSecrets shows as this request's: the policy is wrong (here it names
   * another managed-by value), so withdrawal fails and is retried rather than skipping the secret.
   */
  @Test
  void aPolicyThatDoesNotMatchTheSettingFailsTheWithdrawalInsteadOfSkippingTheSecret()
      throws Exception {
    sink(0).publish(owner, credentials());
    JsonNode otherValue =
        new ObjectMapper()
            .readTree(
                SecretsManagerAuthorization.shippedPolicy("operator-policy.json")
                    .toString()
                    .replace("\"" + OURS + "\"", "\"tempdb-prod-eu\""));
    AwsSecretsManagerSink misconfigured = sink(new IamEnforcingInterceptor(otherValue, aws), 0);

    assertThatThrownBy(() -> misconfigured.withdraw(owner))
        .isInstanceOf(SinkException.class)
        .matches(e -> !((SinkException) e).isPermanent(), "retryable")
        .hasMessageContaining("AccessDeniedException")
        .hasMessageContaining("deploy/aws/operator-policy.json")
        .hasMessageContaining("TEMPDB_AWS_MANAGED_BY");
    assertThat(aws.secret(name())).isPresent();
  }
}
