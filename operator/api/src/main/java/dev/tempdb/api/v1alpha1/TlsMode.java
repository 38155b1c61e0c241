package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the operator protects its admin connection (libpq's sslmode vocabulary). */
public enum TlsMode {
  @JsonProperty("disable")
  DISABLE,
  @JsonProperty("require")
  REQUIRE,
  @JsonProperty("verify-ca")
  VERIFY_CA,
  @JsonProperty("verify-full")
  VERIFY_FULL
}
