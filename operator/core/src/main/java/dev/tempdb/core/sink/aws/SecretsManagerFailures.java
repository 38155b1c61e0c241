package dev.tempdb.core.sink.aws;

import dev.tempdb.core.sink.SinkException;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;

/**
 * What the Secrets Manager sink reports when AWS refuses, or a name is taken: the operation, the
 * secret, what AWS said and the fix, never a secret value.
 */
final class SecretsManagerFailures {
  private SecretsManagerFailures() {}

  static boolean accessDenied(SdkException e) {
    return e instanceof AwsServiceException aws
        && aws.awsErrorDetails() != null
        && "AccessDeniedException".equals(aws.awsErrorDetails().errorCode());
  }

  /**
   * @param password removed from AWS's message, should AWS echo the value sent; null if none
   */
  static SinkException failure(String operation, String what, SdkException e, String password) {
    String detail =
        e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
            ? aws.awsErrorDetails().errorCode() + ": " + aws.awsErrorDetails().errorMessage()
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    if (password != null) {
      detail = detail.replace(password, "****");
    }
    String hint =
        detail.startsWith("AccessDenied")
            ? " (the operator's IAM role needs deploy/aws/operator-policy.json, with the name"
                + " prefix of TEMPDB_AWS_SECRET_NAME_TEMPLATE and the value of"
                + " TEMPDB_AWS_MANAGED_BY)"
            : "";
    String message =
        "AWS Secrets Manager " + operation + " of " + what + " failed: " + detail + hint;
    // Our inputs are validated before any call, so AWS refusing a parameter means a setting is
    // wrong (e.g. TEMPDB_AWS_KMS_KEY_ID): retrying the same request cannot help.
    boolean permanent =
        detail.startsWith("InvalidParameterException") || detail.startsWith("ValidationException");
    return permanent ? SinkException.permanent(message) : SinkException.retryable(message, null);
  }

  /** The name is taken by a secret we could describe: say whose it is. */
  static String nameTaken(String name, Map<String, String> tags, Instant deletedDate) {
    String whose =
        tags.containsKey(SecretTags.UID)
            ? "request "
                + tags.get(SecretTags.NAMESPACE)
                + "/"
                + tags.get(SecretTags.NAME)
                + " (uid "
                + tags.get(SecretTags.UID)
                + ")"
            : "nothing managed by tempdb-operator";
    String state = deletedDate == null ? " exists" : " is scheduled for deletion on " + deletedDate;
    return "AWS secret " + name + state + " and belongs to " + whose + fix(name);
  }

  /**
   * The name is taken by a secret IAM does not let us describe: the operator policy allows that
   * only for this installation's secrets, so it is someone else's.
   *
   * @param refusal what CreateSecret answered: InvalidRequestException if the name is refused, most
   *     likely because that secret is scheduled for deletion
   */
  static String nameTakenByAnother(String name, SdkException refusal, String managedBy) {
    String state =
        refusal instanceof InvalidRequestException
            ? " exists (scheduled for deletion?)"
            : " exists";
    return "AWS secret "
        + name
        + state
        + " and is not managed by this operator installation (its "
        + SecretTags.MANAGED_BY
        + " tag is not TEMPDB_AWS_MANAGED_BY="
        + managedBy
        + ", so the operator's IAM policy does not even let it describe the secret)"
        + fix(name);
  }

  private static String fix(String name) {
    return "; give this request its own requestId, or delete that secret (aws secretsmanager"
        + " delete-secret --force-delete-without-recovery --secret-id "
        + name
        + ")";
  }
}
