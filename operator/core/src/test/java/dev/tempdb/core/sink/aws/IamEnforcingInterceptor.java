package dev.tempdb.core.sink.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tempdb.core.sink.aws.IamPolicyEvaluator.Decision;
import dev.tempdb.core.sink.aws.IamPolicyEvaluator.Request;
import dev.tempdb.core.testing.SecretsManagerDouble;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsRequest;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.secretsmanager.model.TagResourceRequest;
import software.amazon.awssdk.services.secretsmanager.model.UntagResourceRequest;

/**
 * Puts IAM in front of the Secrets Manager double: before each call of the real SDK client, the
 * request contexts AWS would build (from the request and the double's stored tags) are evaluated
 * against a policy, and a call that is not allowed fails with AccessDeniedException, as AWS answers
 * it, without reaching the double. Every evaluated authorization is recorded.
 */
final class IamEnforcingInterceptor implements ExecutionInterceptor {
  /** One authorization and its outcome. */
  record Check(Request request, Decision decision) {}

  /** Operations authorized on the secret named by SecretId, with no tags in the request. */
  private static final Set<String> ON_ONE_SECRET =
      Set.of(
          "DescribeSecret",
          "GetSecretValue",
          "PutSecretValue",
          "UpdateSecret",
          "DeleteSecret",
          "RestoreSecret");

  private final JsonNode policy;
  private final SecretsManagerDouble aws;
  private final List<Check> checks = new CopyOnWriteArrayList<>();

  IamEnforcingInterceptor(JsonNode policy, SecretsManagerDouble aws) {
    this.policy = policy;
    this.aws = aws;
  }

  /** A client for the double, configured like the operator's, with IAM in front. */
  SecretsManagerClient client() {
    return SecretsManagerClient.builder()
        .region(Region.of(SecretsManagerDouble.REGION))
        .endpointOverride(aws.endpoint())
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-key")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(
            o -> o.apiCallTimeout(Duration.ofSeconds(10)).addExecutionInterceptor(this))
        .build();
  }

  List<Check> checks() {
    return List.copyOf(checks);
  }

  List<Check> denied() {
    return checks.stream().filter(c -> c.decision() != Decision.ALLOW).toList();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    for (Request request : authorizations(context.request())) {
      Decision decision = IamPolicyEvaluator.evaluate(policy, request);
      checks.add(new Check(request, decision));
      if (decision != Decision.ALLOW) {
        String why =
            decision == Decision.EXPLICIT_DENY
                ? " with an explicit deny in an identity-based policy"
                : " because no identity-based policy allows the " + request.action() + " action";
        String message =
            "User: arn:aws:sts::"
                + SecretsManagerDouble.ACCOUNT
                + ":assumed-role/tempdb-operator/test is not authorized to perform: "
                + request.action()
                + " on resource: "
                + request.resource()
                + why;
        throw SecretsManagerException.builder()
            .statusCode(400)
            .message(message)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("AccessDeniedException")
                    .errorMessage(message)
                    .serviceName("SecretsManager")
                    .build())
            .build();
      }
    }
  }

  private List<Request> authorizations(SdkRequest request) {
    if (request instanceof CreateSecretRequest c) {
      return SecretsManagerAuthorization.create(
          SecretsManagerAuthorization.arn(c.name()), tags(c.tags()));
    } else if (request instanceof TagResourceRequest t) {
      return List.of(
          SecretsManagerAuthorization.tag(arn(t.secretId()), stored(t.secretId()), tags(t.tags())));
    } else if (request instanceof UntagResourceRequest u) {
      return List.of(
          SecretsManagerAuthorization.untag(arn(u.secretId()), stored(u.secretId()), u.tagKeys()));
    } else if (request instanceof ListSecretsRequest) {
      return List.of(SecretsManagerAuthorization.listSecrets());
    }
    String action = request.getClass().getSimpleName().replaceFirst("Request$", "");
    if (!ON_ONE_SECRET.contains(action)) {
      throw new IllegalStateException("no IAM model for " + action);
    }
    String id = request.getValueForField("SecretId", String.class).orElseThrow();
    return List.of(SecretsManagerAuthorization.onSecret(action, arn(id), stored(id)));
  }

  private Optional<SecretsManagerDouble.Secret> secret(String id) {
    if (id.startsWith("arn:")) {
      throw new IllegalStateException("the sink addresses secrets by name, not " + id);
    }
    return aws.secret(id);
  }

  /** The secret's ARN; for one that does not exist, the ARN it would have. */
  private String arn(String id) {
    return secret(id)
        .map(SecretsManagerDouble.Secret::arn)
        .orElse(SecretsManagerAuthorization.arn(id));
  }

  /** A secret that does not exist has no tags, so a tag condition on it fails, as in AWS. */
  private Map<String, String> stored(String id) {
    return secret(id).map(SecretsManagerDouble.Secret::tags).orElse(Map.of());
  }

  private static Map<String, String> tags(List<Tag> tags) {
    Map<String, String> out = new LinkedHashMap<>();
    tags.forEach(t -> out.put(t.key(), t.value()));
    return out;
  }
}
