package dev.tempdb.core.sink.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tempdb.core.sink.aws.IamPolicyEvaluator.Request;
import dev.tempdb.core.testing.SecretsManagerDouble;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The IAM request contexts AWS builds for Secrets Manager calls, as the Service Authorization
 * Reference lists them for the Secret resource type: aws:ResourceTag/* (and the equivalent
 * secretsmanager:ResourceTag/*) from the secret's tags, aws:RequestTag/* and aws:TagKeys from the
 * tags in the request (TagKeys also for UntagResource), and ListSecrets against * (it has no
 * resource type).
 *
 * <p>CreateSecret with tags is also authorized as secretsmanager:TagResource (CreateSecret API
 * reference, "Required permissions"). For both, the new secret's resource tags are the tags it is
 * being created with: that is how AWS's IAM ABAC tutorial works, whose only statement allowing
 * CreateSecret requires {@code aws:ResourceTag/...} to match with plain StringEquals. Real IAM has
 * never been run here; if it differs, the shipped operator policy fails closed (CreateSecret is
 * denied), see docs/aws.md.
 */
final class SecretsManagerAuthorization {
  static final String ACCOUNT = SecretsManagerDouble.ACCOUNT;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DEPLOY = Path.of("../../deploy/aws");

  private SecretsManagerAuthorization() {}

  /** A shipped policy with the account filled in, as an administrator would install it. */
  static JsonNode shippedPolicy(String file) {
    try {
      return JSON.readTree(Files.readString(DEPLOY.resolve(file)).replace("ACCOUNT_ID", ACCOUNT));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ARN of a secret of this name, with the random suffix AWS appends. */
  static String arn(String name) {
    return "arn:aws:secretsmanager:"
        + SecretsManagerDouble.REGION
        + ":"
        + ACCOUNT
        + ":secret:"
        + name
        + "-AbC123";
  }

  /** An action on an existing secret carrying {@code resourceTags}. */
  static Request onSecret(String action, String arn, Map<String, String> resourceTags) {
    Request request = Request.of("secretsmanager:" + action, arn);
    for (Map.Entry<String, String> tag : resourceTags.entrySet()) {
      request =
          request
              .with("aws:ResourceTag/" + tag.getKey(), tag.getValue())
              .with("secretsmanager:ResourceTag/" + tag.getKey(), tag.getValue());
    }
    return request;
  }

  /** TagResource of {@code tags} on a secret carrying {@code resourceTags}. */
  static Request tag(String arn, Map<String, String> resourceTags, Map<String, String> tags) {
    return withRequestTags(onSecret("TagResource", arn, resourceTags), tags);
  }

  /** UntagResource of {@code keys} from a secret carrying {@code resourceTags}. */
  static Request untag(String arn, Map<String, String> resourceTags, List<String> keys) {
    return onSecret("UntagResource", arn, resourceTags).withValues("aws:TagKeys", keys);
  }

  /** The authorizations of one CreateSecret call: CreateSecret, and TagResource if it has tags. */
  static List<Request> create(String arn, Map<String, String> tags) {
    List<Request> requests = new ArrayList<>();
    requests.add(withRequestTags(onSecret("CreateSecret", arn, tags), tags));
    if (!tags.isEmpty()) {
      requests.add(withRequestTags(onSecret("TagResource", arn, tags), tags));
    }
    return requests;
  }

  static Request listSecrets() {
    return Request.of("secretsmanager:ListSecrets", "*");
  }

  private static Request withRequestTags(Request request, Map<String, String> tags) {
    Request out = request.withValues("aws:TagKeys", List.copyOf(tags.keySet()));
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      out = out.with("aws:RequestTag/" + tag.getKey(), tag.getValue());
    }
    return out;
  }
}
