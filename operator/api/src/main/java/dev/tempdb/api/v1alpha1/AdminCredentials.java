package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Where the admin login of a {@link DatabaseServer} lives. Always a Secret in the operator's
 * control namespace: never inline, and never in a namespace where access requests are created.
 */
public class AdminCredentials {
  @Required
  @Pattern(ApiConstants.NAME_PATTERN)
  @JsonPropertyDescription(
      "Name of the Secret holding the admin login, in the same (control) namespace as this"
          + " DatabaseServer.")
  private String secretName;

  @Default("username")
  @JsonPropertyDescription("Key of the Secret holding the admin user name.")
  private String usernameKey = "username";

  @Default("password")
  @JsonPropertyDescription("Key of the Secret holding the admin password.")
  private String passwordKey = "password";

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getUsernameKey() {
    return usernameKey;
  }

  public void setUsernameKey(String usernameKey) {
    this.usernameKey = usernameKey;
  }

  public String getPasswordKey() {
    return passwordKey;
  }

  public void setPasswordKey(String passwordKey) {
    this.passwordKey = passwordKey;
  }
}
