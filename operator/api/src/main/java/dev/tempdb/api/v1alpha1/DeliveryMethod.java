package dev.tempdb.api.v1alpha1;

/** Where the credentials of a temporary user are published. */
public enum DeliveryMethod {
  /** A Secret in the namespace of the TemporaryDbAccess, owned by it. */
  KubernetesSecret,
  /**
   * A secret in AWS Secrets Manager, tagged with the requester so that an IAM policy can let only
   * them read it. Needs the operator's AWS delivery to be enabled.
   */
  AwsSecretsManager
}
