package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/** TLS for the operator's admin connection and the settings published to users. */
@ValidationRule(
    value = "!(self.mode in ['verify-ca', 'verify-full']) || has(self.caConfigMap)",
    message = "tls.caConfigMap is required when tls.mode is verify-ca or verify-full")
public class Tls {
  @Default("require")
  @JsonPropertyDescription(
      "disable, require (encrypt, do not check the certificate), verify-ca or verify-full."
          + " Defaults to require.")
  private TlsMode mode = TlsMode.REQUIRE;

  @JsonPropertyDescription(
      "PEM CA bundle used to verify the server certificate (verify-ca, verify-full).")
  private KeyRef caConfigMap;

  public TlsMode getMode() {
    return mode;
  }

  public void setMode(TlsMode mode) {
    this.mode = mode;
  }

  public KeyRef getCaConfigMap() {
    return caConfigMap;
  }

  public void setCaConfigMap(KeyRef caConfigMap) {
    this.caConfigMap = caConfigMap;
  }
}
