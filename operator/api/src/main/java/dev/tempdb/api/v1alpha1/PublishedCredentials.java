package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the credentials of a grant were published: references only, never values. */
public class PublishedCredentials {
  @JsonPropertyDescription("Name of the Secret, in this namespace, holding the credentials.")
  private String kubernetesSecret;

  @JsonPropertyDescription(
      "Name of the AWS Secrets Manager secret holding the credentials; the requester reads it with"
          + " `aws secretsmanager get-secret-value --secret-id <name>`.")
  private String awsSecretName;

  @JsonPropertyDescription("ARN of the AWS Secrets Manager secret holding the credentials.")
  private String awsSecretArn;

  public PublishedCredentials() {}

  public PublishedCredentials(String kubernetesSecret, String awsSecretName, String awsSecretArn) {
    this.kubernetesSecret = kubernetesSecret;
    this.awsSecretName = awsSecretName;
    this.awsSecretArn = awsSecretArn;
  }

  public String getKubernetesSecret() {
    return kubernetesSecret;
  }

  public void setKubernetesSecret(String kubernetesSecret) {
    this.kubernetesSecret = kubernetesSecret;
  }

  public String getAwsSecretName() {
    return awsSecretName;
  }

  public void setAwsSecretName(String awsSecretName) {
    this.awsSecretName = awsSecretName;
  }

  public String getAwsSecretArn() {
    return awsSecretArn;
  }

  public void setAwsSecretArn(String awsSecretArn) {
    this.awsSecretArn = awsSecretArn;
  }
}
