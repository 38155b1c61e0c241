package dev.tempdb.core.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.sink.Credentials;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.testing.SecretsManagerDouble;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The IAM policies shipped in deploy/aws/ are valid policy documents, let requesters read only
 * secrets tagged with their own identity, and allow the operator every Secrets Manager call the
 * sink makes (observed through the protocol-level double), and no write to people.
 */
class IamPoliciesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DEPLOY = Path.of("../../deploy/aws");
  private static final String TAG = AwsSecretsManagerSettings.DEFAULT_REQUESTER_TAG;

  private static JsonNode policy(String file) throws IOException {
    JsonNode policy = JSON.readTree(Files.readString(DEPLOY.resolve(file)));
    assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
    assertThat(policy.path("Statement").isArray()).isTrue();
    for (JsonNode statement : policy.path("Statement")) {
      assertThat(statement.path("Sid").asText()).as("Sid in %s", file).matches("[A-Za-z0-9]+");
      assertThat(statement.path("Effect").asText()).isIn("Allow", "Deny");
      assertThat(statement.has("Action")).as("Action in %s", statement).isTrue();
      assertThat(statement.has("Resource")).as("Resource in %s", statement).isTrue();
    }
    return policy;
  }

  private static List<String> values(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(v -> out.add(v.asText()));
    } else if (!node.isMissingNode()) {
      out.add(node.asText());
    }
    return out;
  }

  private static Set<String> allowedActions(JsonNode policy) {
    Set<String> actions = new TreeSet<>();
    for (JsonNode statement : policy.path("Statement")) {
      if (statement.path("Effect").asText().equals("Allow")) {
        actions.addAll(values(statement.path("Action")));
      }
    }
    return actions;
  }

  @Test
  void requestersMayReadOnlySecretsTaggedWithTheirOwnSessionName() throws IOException {
    JsonNode policy = policy("requester-policy.json");
    String prefix = SecretNameTemplate.parse(SecretNameTemplate.DEFAULT).prefix();

    JsonNode read =
        java.util.stream.StreamSupport.stream(policy.path("Statement").spliterator(), false)
            .filter(s -> values(s.path("Action")).contains("secretsmanager:GetSecretValue"))
            .findFirst()
            .orElseThrow();
    assertThat(read.path("Effect").asText()).isEqualTo("Allow");
    assertThat(values(read.path("Resource")))
        .allSatisfy(r -> assertThat(r).endsWith(":secret:" + prefix + "*"));
    JsonNode condition = read.path("Condition");
    assertThat(condition.path("StringLike").path("aws:userid").asText())
        .isEqualTo("*:${aws:ResourceTag/" + TAG + "}");
    assertThat(condition.path("Null").path("aws:ResourceTag/" + TAG).asText()).isEqualTo("false");
    assertThat(allowedActions(policy))
        .as("people never write, tag or delete secrets")
        .allSatisfy(
            a ->
                assertThat(a)
                    .isIn(
                        "secretsmanager:GetSecretValue",
                        "secretsmanager:DescribeSecret",
                        "secretsmanager:ListSecrets",
                        "kms:Decrypt"));
  }

  @Test
  void theOperatorPolicyAllowsEveryCallTheSinkMakesAndLimitsWritesToItsTaggedSecrets()
      throws IOException {
    Set<String> called = callsOfAFullLifecycle();
    JsonNode policy = policy("operator-policy.json");

    assertThat(allowedActions(policy)).containsAll(called);
    assertThat(called)
        .contains(
            "secretsmanager:CreateSecret",
            "secretsmanager:PutSecretValue",
            "secretsmanager:DeleteSecret",
            "secretsmanager:RestoreSecret",
            "secretsmanager:ListSecrets");
    for (JsonNode statement : policy.path("Statement")) {
      List<String> actions = values(statement.path("Action"));
      if (actions.stream()
          .anyMatch(
              a ->
                  List.of(
                          "secretsmanager:PutSecretValue",
                          "secretsmanager:DeleteSecret",
                          "secretsmanager:GetSecretValue",
                          "secretsmanager:RestoreSecret")
                      .contains(a))) {
        assertThat(
                statement
                    .path("Condition")
                    .path("StringEquals")
                    .path("secretsmanager:ResourceTag/tempdb.dev/managed-by")
                    .asText())
            .as("writes only to secrets carrying the managed-by tag: %s", statement)
            .isEqualTo(AwsSecretsManagerSettings.DEFAULT_MANAGED_BY);
      }
      if (actions.contains("secretsmanager:CreateSecret")) {
        assertThat(
                statement
                    .path("Condition")
                    .path("StringEquals")
                    .path("aws:RequestTag/tempdb.dev/managed-by")
                    .asText())
            .as("creates only secrets tagged as managed: %s", statement)
            .isEqualTo(AwsSecretsManagerSettings.DEFAULT_MANAGED_BY);
      }
    }
  }

  @Test
  void theTerraformGrantsTheSameActionsAsTheJsonPolicies() throws IOException {
    String terraform = Files.readString(DEPLOY.resolve("main.tf"));
    Set<String> jsonActions = new TreeSet<>(allowedActions(policy("operator-policy.json")));
    jsonActions.addAll(allowedActions(policy("requester-policy.json")));

    assertThat(jsonActions).allSatisfy(a -> assertThat(terraform).contains("\"" + a + "\""));
    assertThat(terraform).contains("aws:userid").contains("$${aws:ResourceTag/");
  }

  /** Every Secrets Manager operation the sink performs over a grant's whole life. */
  private static Set<String> callsOfAFullLifecycle() {
    try (SecretsManagerDouble aws = SecretsManagerDouble.start()) {
      AwsSecretsManagerSettings settings =
          new AwsSecretsManagerSettings(
              SecretsManagerDouble.REGION,
              aws.endpoint(),
              SecretNameTemplate.parse(SecretNameTemplate.DEFAULT),
              TAG,
              AwsSecretsManagerSettings.DEFAULT_MANAGED_BY,
              null,
              7,
              Duration.ofSeconds(10));
      AwsSecretsManagerSink sink =
          new AwsSecretsManagerSink(
              SecretsManagerClients.create(
                  settings,
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "k"))),
              settings);
      GrantOwner owner =
          new GrantOwner(
              "tempdb.dev/v1alpha1",
              "TemporaryDbAccess",
              "team-a",
              "x",
              UUID.randomUUID().toString(),
              "dana@acme.example",
              "run-1");
      Instant expiry = Instant.now().plusSeconds(600);
      Credentials credentials =
          new Credentials(
              Engine.MARIADB, "db", 3306, "app", "tdb_dana", "pw", expiry, TlsMode.REQUIRE);
      sink.publish(owner, credentials); // create
      sink.publish(owner, credentials); // republish after a crash
      sink.updateExpiry(owner, expiry.plusSeconds(60));
      sink.withdraw(owner); // into the recovery window
      sink.publish(owner, credentials); // restore own deleted secret
      sink.listPublished().forEach(sink::deleteOrphan);
      return aws.calls().stream()
          .map(op -> "secretsmanager:" + op)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
