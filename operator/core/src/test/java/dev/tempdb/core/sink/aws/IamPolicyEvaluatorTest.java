package dev.tempdb.core.sink.aws;

import static dev.tempdb.core.sink.aws.IamPolicyEvaluator.Decision.ALLOW;
import static dev.tempdb.core.sink.aws.IamPolicyEvaluator.Decision.EXPLICIT_DENY;
import static dev.tempdb.core.sink.aws.IamPolicyEvaluator.Decision.IMPLICIT_DENY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tempdb.core.sink.aws.IamPolicyEvaluator.Decision;
import dev.tempdb.core.sink.aws.IamPolicyEvaluator.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test evaluator against the examples and rules of the IAM User Guide, each test naming the
 * page it follows, so that the policy tests built on it stand on documented behaviour.
 */
class IamPolicyEvaluatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket/report.txt";

  private static JsonNode allow(String action, String resource, String condition) {
    return policy("Allow", action, resource, condition);
  }

  private static JsonNode policy(String effect, String action, String resource, String condition) {
    try {
      return JSON.readTree(
          """
          {"Version": "2012-10-17", "Statement": [{"Effect": "%s", "Action": "%s",
           "Resource": "%s", "Condition": %s}]}
          """
              .formatted(effect, action, resource, condition));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Decision eval(JsonNode policy, Request request) {
    return IamPolicyEvaluator.evaluate(policy, request);
  }

  /** "Condition element": operators and keys are ANDed, the values of one key are ORed. */
  @Test
  void severalKeysAreAndedAndSeveralValuesOfOneKeyOred() {
    JsonNode policy =
        allow(
            "s3:GetObject",
            "*",
            """
            {"StringEquals": {"aws:PrincipalTag/department": ["finance", "hr", "legal"],
                              "aws:PrincipalTag/role": ["audit", "security"]}}
            """);
    Request hrAudit =
        Request.of("s3:GetObject", BUCKET)
            .with("aws:PrincipalTag/department", "hr")
            .with("aws:PrincipalTag/role", "audit");

    assertThat(eval(policy, hrAudit)).isEqualTo(ALLOW);
    assertThat(eval(policy, hrAudit.with("aws:PrincipalTag/role", "dev"))).isEqualTo(IMPLICIT_DENY);
    assertThat(
            eval(policy, Request.of("s3:GetObject", BUCKET).with("aws:PrincipalTag/role", "audit")))
        .as("a key missing from the request fails a positive operator")
        .isEqualTo(IMPLICIT_DENY);
  }

  /** "Condition operators": a missing key satisfies a negated operator. */
  @Test
  void aMissingKeySatisfiesStringNotEquals() {
    JsonNode deny =
        policy(
            "Deny",
            "s3:GetObject",
            "*",
            "{\"StringNotEquals\": {\"aws:PrincipalTag/team\": \"x\"}}");

    assertThat(eval(deny, Request.of("s3:GetObject", BUCKET))).isEqualTo(EXPLICIT_DENY);
    assertThat(eval(deny, Request.of("s3:GetObject", BUCKET).with("aws:PrincipalTag/team", "x")))
        .isEqualTo(IMPLICIT_DENY);
  }

  /**
   * "Multivalued context keys": ForAllValues is true if every request value matches, and also if
   * there are no keys in the request; ForAnyValue needs one match and is false for none.
   */
  @Test
  void forAllValuesIsTrueForNoKeysAndForAnyValueIsFalse() {
    String keys = "[\"environment\", \"cost-center\"]";
    JsonNode all =
        allow(
            "ec2:CreateTags",
            "*",
            "{\"ForAllValues:StringEquals\": {\"aws:TagKeys\": " + keys + "}}");
    JsonNode any =
        allow(
            "ec2:CreateTags",
            "*",
            "{\"ForAnyValue:StringEquals\": {\"aws:TagKeys\": " + keys + "}}");
    Request base = Request.of("ec2:CreateTags", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1");
    Request both = base.withValues("aws:TagKeys", List.of("environment", "cost-center"));
    Request foreign = base.withValues("aws:TagKeys", List.of("environment", "dept"));
    Request onlyForeign = base.withValues("aws:TagKeys", List.of("dept"));

    assertThat(eval(all, both)).isEqualTo(ALLOW);
    assertThat(eval(all, foreign)).isEqualTo(IMPLICIT_DENY);
    assertThat(eval(all, base)).as("no keys in the request").isEqualTo(ALLOW);
    assertThat(eval(all, base.withValues("aws:TagKeys", List.of("")))).isEqualTo(ALLOW);
    assertThat(eval(any, foreign)).isEqualTo(ALLOW);
    assertThat(eval(any, onlyForeign)).isEqualTo(IMPLICIT_DENY);
    assertThat(eval(any, base)).as("no keys in the request").isEqualTo(IMPLICIT_DENY);
  }

  /** "Condition operators", Null: true means the key must be absent, false present. */
  @Test
  void nullTestsWhetherTheKeyIsPresent() {
    JsonNode absent = allow("s3:GetObject", "*", "{\"Null\": {\"aws:TokenIssueTime\": \"true\"}}");
    JsonNode present =
        allow("s3:GetObject", "*", "{\"Null\": {\"aws:TokenIssueTime\": \"false\"}}");
    Request longTerm = Request.of("s3:GetObject", BUCKET);
    Request temporary = longTerm.with("aws:TokenIssueTime", "2026-11-01T00:00:00Z");

    assertThat(eval(absent, longTerm)).isEqualTo(ALLOW);
    assertThat(eval(absent, temporary)).isEqualTo(IMPLICIT_DENY);
    assertThat(eval(present, temporary)).isEqualTo(ALLOW);
    assertThat(eval(present, longTerm)).isEqualTo(IMPLICIT_DENY);
  }

  /**
   * "Variables and tags", the AllowUnlessOwnedBySomeoneElse example, and "Policy variables with no
   * value": a variable with no value makes StringEquals fail and StringNotEquals match.
   */
  @Test
  void policyVariablesAreSubstitutedAndOneWithNoValueMatchesNothing() {
    JsonNode allowOwner =
        allow(
            "s3:GetObject",
            "*",
            "{\"StringEquals\": {\"s3:ExistingObjectTag/owner\": \"${aws:PrincipalTag/owner}\"}}");
    JsonNode denyOtherTeams =
        policy(
            "Deny",
            "s3:GetObject",
            "arn:aws:s3:::amzn-s3-demo-bucket/*",
            "{\"StringNotEquals\": {\"s3:ExistingObjectTag/Team\": \"${aws:PrincipalTag/Team}\"}}");
    Request object = Request.of("s3:GetObject", BUCKET).with("s3:ExistingObjectTag/owner", "dana");

    assertThat(eval(allowOwner, object.with("aws:PrincipalTag/owner", "dana"))).isEqualTo(ALLOW);
    assertThat(eval(allowOwner, object.with("aws:PrincipalTag/owner", "eve")))
        .isEqualTo(IMPLICIT_DENY);
    assertThat(eval(allowOwner, object)).isEqualTo(IMPLICIT_DENY);
    Request teamObject = Request.of("s3:GetObject", BUCKET).with("s3:ExistingObjectTag/Team", "a");
    assertThat(eval(denyOtherTeams, teamObject))
        .as("access is explicitly denied when aws:PrincipalTag/Team is not set")
        .isEqualTo(EXPLICIT_DENY);
    assertThat(eval(denyOtherTeams, teamObject.with("aws:PrincipalTag/Team", "a")))
        .isEqualTo(IMPLICIT_DENY);
  }

  /** "Variables and tags": ${*} is a literal asterisk; a default value fills a missing key. */
  @Test
  void specialCharactersAndDefaultValues() {
    JsonNode literalStar =
        allow("s3:GetObject", "*", "{\"StringLike\": {\"s3:prefix\": \"home${*}\"}}");
    JsonNode defaulted =
        allow(
            "s3:GetObject",
            "*",
            "{\"StringEquals\": {\"s3:prefix\": \"${aws:PrincipalTag/team, 'company-wide'}\"}}");
    Request request = Request.of("s3:GetObject", BUCKET);

    assertThat(eval(literalStar, request.with("s3:prefix", "home*"))).isEqualTo(ALLOW);
    assertThat(eval(literalStar, request.with("s3:prefix", "homework"))).isEqualTo(IMPLICIT_DENY);
    assertThat(eval(defaulted, request.with("s3:prefix", "company-wide"))).isEqualTo(ALLOW);
    assertThat(
            eval(
                defaulted,
                request.with("s3:prefix", "yellow").with("aws:PrincipalTag/team", "yellow")))
        .isEqualTo(ALLOW);
  }

  /** "Condition operators": StringLike wildcards; ArnLike compares ARN parts with wildcards. */
  @Test
  void stringLikeAndArnLike() {
    JsonNode like =
        allow("s3:GetObject", "*", "{\"StringLike\": {\"aws:userid\": \"AROAEXAMPLE:*\"}}");
    JsonNode arn =
        allow(
            "s3:GetObject",
            "*",
            "{\"ArnLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*\"}}");
    Request request = Request.of("s3:GetObject", BUCKET);

    assertThat(eval(like, request.with("aws:userid", "AROAEXAMPLE:dana@acme.example")))
        .isEqualTo(ALLOW);
    assertThat(eval(like, request.with("aws:userid", "AROAOTHER:dana@acme.example")))
        .isEqualTo(IMPLICIT_DENY);
    String sso =
        "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_Dev_1234567890abcdef";
    assertThat(eval(arn, request.with("aws:PrincipalArn", sso))).isEqualTo(ALLOW);
    assertThat(
            eval(
                arn, request.with("aws:PrincipalArn", "arn:aws:iam::111122223333:role/developers")))
        .isEqualTo(IMPLICIT_DENY);
    assertThat(
            eval(
                arn, request.with("aws:PrincipalArn", sso.replace("111122223333", "444455556666"))))
        .isEqualTo(IMPLICIT_DENY);
  }

  /**
   * "Policy evaluation logic": an explicit Deny overrides any Allow; without an Allow the request
   * is implicitly denied. "Action element": action names are case-insensitive. "Resource element":
   * an action without a resource type is authorized against *, which an ARN pattern does not match.
   */
  @Test
  void denyBeatsAllowActionsIgnoreCaseAndStarIsNotAnArn() throws Exception {
    JsonNode policy =
        JSON.readTree(
            """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "arn:aws:secretsmanager:*:111122223333:secret:tempdb/*"},
              {"Effect": "Deny", "Action": "secretsmanager:DeleteSecret", "Resource": "*"}]}
            """);
    String secret = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:tempdb/x-AbCdEf";

    assertThat(eval(policy, Request.of("SecretsManager:getsecretvalue", secret))).isEqualTo(ALLOW);
    assertThat(eval(policy, Request.of("secretsmanager:DeleteSecret", secret)))
        .isEqualTo(EXPLICIT_DENY);
    assertThat(
            eval(
                policy,
                Request.of("secretsmanager:GetSecretValue", secret.replace("tempdb/", "other/"))))
        .isEqualTo(IMPLICIT_DENY);
    assertThat(eval(policy, Request.of("secretsmanager:ListSecrets", "*")))
        .isEqualTo(IMPLICIT_DENY);
  }

  /** "Variables and tags": condition key names are case-insensitive. */
  @Test
  void conditionKeyNamesIgnoreCase() {
    JsonNode policy =
        allow("s3:GetObject", "*", "{\"StringEquals\": {\"AWS:ResourceTag/Owner\": \"dana\"}}");

    assertThat(
            eval(policy, Request.of("s3:GetObject", BUCKET).with("aws:resourcetag/owner", "dana")))
        .isEqualTo(ALLOW);
    assertThat(
            eval(policy, Request.of("s3:GetObject", BUCKET).with("aws:ResourceTag/Owner", "Dana")))
        .as("values are compared case-sensitively")
        .isEqualTo(IMPLICIT_DENY);
  }

  /** What is not implemented is refused, never guessed. */
  @Test
  void operatorsAndElementsItDoesNotModelAreRefused() throws Exception {
    Request request = Request.of("s3:GetObject", BUCKET).with("aws:PrincipalTag/x", "1");
    for (String operator :
        List.of(
            "StringEqualsIgnoreCase", "NumericLessThan", "StringEqualsIfExists", "BoolIfExists")) {
      JsonNode policy =
          allow("s3:GetObject", "*", "{\"" + operator + "\": {\"aws:PrincipalTag/x\": \"1\"}}");
      assertThatThrownBy(() -> eval(policy, request)).hasMessageContaining(operator);
    }
    JsonNode notAction =
        JSON.readTree(
            "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": \"s3:*\", \"Resource\": \"*\"}]}");
    assertThatThrownBy(() -> eval(notAction, request)).hasMessageContaining("NotAction");
    JsonNode setOnSingle =
        allow(
            "s3:GetObject",
            "*",
            "{\"ForAllValues:StringEquals\": {\"aws:PrincipalTag/x\": \"1\"}}");
    assertThatThrownBy(() -> eval(setOnSingle, request)).hasMessageContaining("not modelled");
  }
}
