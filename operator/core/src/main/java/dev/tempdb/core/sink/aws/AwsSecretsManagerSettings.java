package dev.tempdb.core.sink.aws;

import java.net.URI;
import java.time.Duration;

/**
 * How credentials are published to AWS Secrets Manager.
 *
 * @param region AWS region, or null for the SDK's default chain (AWS_REGION, which IRSA and pod
 *     identity set, or the profile)
 * @param endpoint endpoint override (a VPC endpoint, a test double), or null
 * @param names the secret name template
 * @param requesterTagKey tag holding the requester, matched by the end-user IAM policy
 * @param managedBy value of the {@code tempdb.dev/managed-by} tag, naming this operator
 *     installation; the operator only ever changes or deletes secrets carrying it
 * @param kmsKeyId KMS key for new secrets, or null for the account's {@code aws/secretsmanager} key
 * @param recoveryWindowDays 0 deletes at once (ForceDeleteWithoutRecovery); 7 to 30 keeps a deleted
 *     secret recoverable for that long
 * @param apiCallTimeout bound on each call including the SDK's retries
 */
public record AwsSecretsManagerSettings(
    String region,
    URI endpoint,
    SecretNameTemplate names,
    String requesterTagKey,
    String managedBy,
    String kmsKeyId,
    int recoveryWindowDays,
    Duration apiCallTimeout) {

  public static final String DEFAULT_REQUESTER_TAG = "sym.user";
  public static final String DEFAULT_MANAGED_BY = "tempdb-operator";

  public AwsSecretsManagerSettings {
    if (recoveryWindowDays != 0 && (recoveryWindowDays < 7 || recoveryWindowDays > 30)) {
      throw new IllegalArgumentException(
          "recovery window must be 0 (delete at once) or 7 to 30 days, as AWS allows, not "
              + recoveryWindowDays);
    }
    if (apiCallTimeout.isNegative() || apiCallTimeout.isZero()) {
      throw new IllegalArgumentException("API call timeout must be positive");
    }
  }
}
