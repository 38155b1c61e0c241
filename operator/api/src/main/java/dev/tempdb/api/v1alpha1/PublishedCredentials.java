package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the credentials of a grant were published: references only, never values. */
public class PublishedCredentials {
  @JsonPropertyDescription("Name of the Secret, in this namespace, holding the credentials.")
  private String kubernetesSecret;

  public PublishedCredentials() {}

  public PublishedCredentials(String kubernetesSecret) {
    this.kubernetesSecret = kubernetesSecret;
  }

  public String getKubernetesSecret() {
    return kubernetesSecret;
  }

  public void setKubernetesSecret(String kubernetesSecret) {
    this.kubernetesSecret = kubernetesSecret;
  }
}
