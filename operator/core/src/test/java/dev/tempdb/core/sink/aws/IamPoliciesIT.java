package dev.tempdb.core.sink.aws;

import static dev.tempdb.core.sink.aws.IamPolicyEvaluator.Decision.ALLOW;
import static dev.tempdb.core.sink.aws.IamPolicyEvaluator.Decision.EXPLICIT_DENY;
import static dev.tempdb.core.sink.aws.SecretsManagerAuthorization.arn;
import static dev.tempdb.core.sink.aws.SecretsManagerAuthorization.create;
import static dev.tempdb.core.sink.aws.SecretsManagerAuthorization.onSecret;
import static dev.tempdb.core.sink.aws.SecretsManagerAuthorization.shippedPolicy;
import static dev.tempdb.core.sink.aws.SecretsManagerAuthorization.tag;
import static dev.tempdb.core.sink.aws.SecretsManagerAuthorization.untag;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tempdb.core.sink.aws.IamPolicyEvaluator.Decision;
import dev.tempdb.core.sink.aws.IamPolicyEvaluator.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The IAM policies shipped in deploy/aws/, evaluated the way IAM evaluates them (by the test
 * evaluator, see IamPolicyEvaluatorTest), with the account filled in: the operator may act only on
 * the secrets of its own installation and cannot adopt, read, change or delete any other; a
 * requester may read only the secrets tagged with their own session name, from an SSO role. That
 * the operator's real sink works under the policy is OperatorPolicyEnforcedIT.
 */
class IamPoliciesIT {
  private static final String MANAGED_BY = SecretTags.MANAGED_BY;
  private static final String OURS = AwsSecretsManagerSettings.DEFAULT_MANAGED_BY;
  private static final String SECRET = arn("tempdb/dana.lee@acme-corp.example/run-1");
  private static final String DANA = "dana.lee@acme-corp.example";
  private static final String SSO_ROLE =
      "arn:aws:iam::"
          + SecretsManagerAuthorization.ACCOUNT
          + ":role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_Developers_0123456789abcdef";

  /** The tags the sink writes on a secret of this installation. */
  private static Map<String, String> ours() {
    return tagsManagedBy(OURS);
  }

  private static Map<String, String> tagsManagedBy(String managedBy) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(AwsSecretsManagerSettings.DEFAULT_REQUESTER_TAG, DANA);
    tags.put(MANAGED_BY, managedBy);
    tags.put(SecretTags.NAMESPACE, "team-a");
    tags.put(SecretTags.NAME, "dana-readonly");
    tags.put(SecretTags.UID, "0d9c2f7e-5b8a-4c1d-9e3f-2a6b7c8d9e0f");
    tags.put(SecretTags.REQUEST_ID, "run-1");
    tags.put(SecretTags.EXPIRES_AT, "2026-11-21T15:17:29Z");
    return tags;
  }

  private static Decision operator(Request request) {
    return IamPolicyEvaluator.evaluate(shippedPolicy("operator-policy.json"), request);
  }

  private static Decision requester(Request request) {
    return IamPolicyEvaluator.evaluate(shippedPolicy("requester-policy.json"), request);
  }

  /** (a) Every call the sink makes on a secret of this installation is allowed. */
  @Test
  void theOperatorMayCreateTagReadWriteRestoreAndDeleteItsOwnInstallationsSecrets() {
    assertThat(create(SECRET, ours())).allSatisfy(r -> assertThat(operator(r)).isEqualTo(ALLOW));
    for (String action :
        List.of(
            "DescribeSecret",
            "GetSecretValue",
            "PutSecretValue",
            "DeleteSecret",
            "RestoreSecret")) {
      assertThat(operator(onSecret(action, SECRET, ours()))).as(action).isEqualTo(ALLOW);
    }
    assertThat(operator(tag(SECRET, ours(), ours()))).as("full tag set again").isEqualTo(ALLOW);
    assertThat(operator(tag(SECRET, ours(), Map.of(SecretTags.EXPIRES_AT, "x", MANAGED_BY, OURS))))
        .as("moving the expiry, restating who manages it")
        .isEqualTo(ALLOW);
    assertThat(operator(SecretsManagerAuthorization.listSecrets())).isEqualTo(ALLOW);
  }

  /** (b) Another installation's secret, or one no installation manages, cannot be touched. */
  @Test
  void theOperatorCannotReadWriteDeleteOrTagASecretOfAnotherInstallationOrAnUntaggedOne() {
    Map<String, Map<String, String>> foreign =
        Map.of(
            "another installation's", tagsManagedBy("tempdb-prod-eu"),
            "untagged", Map.of(),
            "someone else's", Map.of("team", "payments", "sym.user", DANA),
            "managed-by differing in case", tagsManagedBy(OURS.toUpperCase()));
    foreign.forEach(
        (whose, tags) -> {
          for (String action :
              List.of(
                  "DescribeSecret",
                  "GetSecretValue",
                  "PutSecretValue",
                  "UpdateSecret",
                  "DeleteSecret",
                  "RestoreSecret")) {
            assertThat(operator(onSecret(action, SECRET, tags)))
                .as("%s on %s secret", action, whose)
                .isNotEqualTo(ALLOW);
          }
          assertThat(operator(tag(SECRET, tags, ours())))
              .as("adopting %s secret by tagging it as ours", whose)
              .isNotEqualTo(ALLOW);
          assertThat(operator(tag(SECRET, tags, Map.of(SecretTags.EXPIRES_AT, "x"))))
              .as("tagging %s secret", whose)
              .isNotEqualTo(ALLOW);
          assertThat(operator(untag(SECRET, tags, List.of("team"))))
              .as("untagging %s secret", whose)
              .isNotEqualTo(ALLOW);
        });
  }

  /** (c) CreateSecret must carry this installation's managed-by tag, and only the sink's tags. */
  @Test
  void theOperatorCannotCreateASecretWithoutItsManagedByTagOrWithTagsTheSinkDoesNotWrite() {
    Map<String, String> untagged = new LinkedHashMap<>(ours());
    untagged.remove(MANAGED_BY);
    Map<String, String> extra = new LinkedHashMap<>(ours());
    extra.put("owner", "mallory");

    assertThat(create(SECRET, Map.of()))
        .as("no tags at all")
        .anySatisfy(r -> assertThat(operator(r)).isNotEqualTo(ALLOW));
    assertThat(create(SECRET, untagged))
        .as("without the managed-by tag")
        .anySatisfy(r -> assertThat(operator(r)).isNotEqualTo(ALLOW));
    assertThat(create(SECRET, tagsManagedBy("tempdb-prod-eu")))
        .as("for another installation")
        .anySatisfy(r -> assertThat(operator(r)).isNotEqualTo(ALLOW));
    assertThat(create(SECRET, extra))
        .as("with a tag key the sink never writes")
        .anySatisfy(r -> assertThat(operator(r)).isNotEqualTo(ALLOW));
    assertThat(create(arn("other/x"), ours()))
        .as("outside the prefix")
        .anySatisfy(r -> assertThat(operator(r)).isNotEqualTo(ALLOW));
  }

  /** (d) The managed-by tag can neither be removed nor changed, even on the operator's own. */
  @Test
  void theOperatorCannotUntagOrChangeTheManagedByTagOfItsOwnSecrets() {
    assertThat(operator(untag(SECRET, ours(), List.of(MANAGED_BY))))
        .as("denied explicitly, so no other policy on the role can allow it")
        .isEqualTo(EXPLICIT_DENY);
    assertThat(operator(untag(SECRET, ours(), List.of(SecretTags.EXPIRES_AT, MANAGED_BY))))
        .isEqualTo(EXPLICIT_DENY);
    assertThat(operator(tag(SECRET, ours(), Map.of(MANAGED_BY, "tempdb-prod-eu"))))
        .as("handing the secret to another installation")
        .isNotEqualTo(ALLOW);
    assertThat(operator(tag(SECRET, ours(), Map.of(SecretTags.EXPIRES_AT, "x"))))
        .as("a TagResource must restate managed-by, so it can never carry another value")
        .isNotEqualTo(ALLOW);
  }

  /** Least privilege: the policy allows exactly the Secrets Manager actions the sink calls. */
  @Test
  void theOperatorPolicyAllowsExactlyTheSecretsManagerActionsTheSinkCalls() {
    Set<String> allowed = actions(shippedPolicy("operator-policy.json"), "Allow");
    allowed.removeIf(a -> a.startsWith("kms:"));

    assertThat(allowed).isEqualTo(OperatorPolicyEnforcedIT.callsOfAFullLifecycle());
  }

  private static Set<String> actions(JsonNode policy, String effect) {
    Set<String> actions = new TreeSet<>();
    for (JsonNode statement : policy.path("Statement")) {
      if (statement.path("Effect").asText().equals(effect)) {
        JsonNode action = statement.path("Action");
        if (action.isTextual()) {
          actions.add(action.asText());
        }
        action.forEach(a -> actions.add(a.asText()));
      }
    }
    return actions;
  }

  private static Request read(String action, Map<String, String> tags, String principalArn) {
    return onSecret(action, SECRET, tags)
        .with("aws:userid", "AROAEXAMPLEROLEID:" + DANA)
        .with("aws:PrincipalArn", principalArn);
  }

  @Test
  void requestersReadOnlySecretsTaggedWithTheirOwnSessionNameFromAnSsoRole() {
    Map<String, String> others = new LinkedHashMap<>(ours());
    others.put("sym.user", "eve@acme-corp.example");
    Map<String, String> caseDiffers = new LinkedHashMap<>(ours());
    caseDiffers.put("sym.user", "Dana.Lee@acme-corp.example");
    Map<String, String> untagged = new LinkedHashMap<>(ours());
    untagged.remove("sym.user");

    for (String action : List.of("GetSecretValue", "DescribeSecret")) {
      assertThat(requester(read(action, ours(), SSO_ROLE))).as(action).isEqualTo(ALLOW);
      assertThat(requester(read(action, others, SSO_ROLE))).isNotEqualTo(ALLOW);
      assertThat(requester(read(action, caseDiffers, SSO_ROLE))).isNotEqualTo(ALLOW);
      assertThat(requester(read(action, untagged, SSO_ROLE))).isNotEqualTo(ALLOW);
      assertThat(
              requester(
                  read(action, ours(), SSO_ROLE)
                      .with("aws:userid", "AROAEXAMPLEROLEID:eve@acme-corp.example")))
          .isNotEqualTo(ALLOW);
    }
    Request outside =
        onSecret("GetSecretValue", arn("other/x"), ours())
            .with("aws:userid", "AROAEXAMPLEROLEID:" + DANA)
            .with("aws:PrincipalArn", SSO_ROLE);
    assertThat(requester(outside)).isNotEqualTo(ALLOW);
    assertThat(requester(SecretsManagerAuthorization.listSecrets())).isEqualTo(ALLOW);
  }

  /** docs/aws.md, the caveat: a session name chosen with sts:AssumeRole must not be trusted. */
  @Test
  void aRoleWhoseSessionNameTheCallerChoseCannotReadEvenWithTheRightName() {
    String developers = "arn:aws:iam::" + SecretsManagerAuthorization.ACCOUNT + ":role/developers";
    String otherAccount = SSO_ROLE.replace(SecretsManagerAuthorization.ACCOUNT, "444455556666");

    assertThat(requester(read("GetSecretValue", ours(), developers))).isNotEqualTo(ALLOW);
    assertThat(requester(read("GetSecretValue", ours(), otherAccount))).isNotEqualTo(ALLOW);
  }

  @Test
  void requestersCanNeverCreateWriteTagUntagOrDelete() {
    assertThat(create(SECRET, ours()))
        .allSatisfy(
            r -> assertThat(requester(r.with("aws:PrincipalArn", SSO_ROLE))).isNotEqualTo(ALLOW));
    for (Request r :
        List.of(
            read("PutSecretValue", ours(), SSO_ROLE),
            read("UpdateSecret", ours(), SSO_ROLE),
            read("DeleteSecret", ours(), SSO_ROLE),
            read("RestoreSecret", ours(), SSO_ROLE),
            tag(SECRET, ours(), Map.of("sym.user", DANA)).with("aws:PrincipalArn", SSO_ROLE),
            untag(SECRET, ours(), List.of("sym.user")).with("aws:PrincipalArn", SSO_ROLE))) {
      assertThat(requester(r)).as(r.action()).isNotEqualTo(ALLOW);
    }
  }

  /** The Terraform builds the same statements; terraform itself is not run in the build. */
  @Test
  void theTerraformUsesTheSameActionsConditionKeysAndOperators() throws IOException {
    String terraform = Files.readString(Path.of("../../deploy/aws/main.tf"));
    Set<String> actions = new TreeSet<>();
    for (String file : List.of("operator-policy.json", "requester-policy.json")) {
      actions.addAll(actions(shippedPolicy(file), "Allow"));
      actions.addAll(actions(shippedPolicy(file), "Deny"));
    }

    assertThat(actions).allSatisfy(a -> assertThat(terraform).contains("\"" + a + "\""));
    assertThat(terraform)
        .contains("\"aws:RequestTag/${local.managed_by_key}\"")
        .contains("\"aws:ResourceTag/${local.managed_by_key}\"")
        .contains("\"ForAllValues:StringEquals\"")
        .contains("\"ForAnyValue:StringEquals\"")
        .contains("\"aws:TagKeys\"")
        .contains("\"ArnLike\"")
        .contains("\"aws:PrincipalArn\"")
        .contains("aws:userid")
        .contains("$${aws:ResourceTag/");
  }
}
