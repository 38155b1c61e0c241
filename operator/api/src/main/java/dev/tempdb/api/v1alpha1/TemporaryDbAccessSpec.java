package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** A request for temporary access, usually created by the Sym bridge after approval. */
@ValidationRule(
    value = "!(has(self.ttl) && has(self.expiresAt))",
    message = "set at most one of ttl or expiresAt (neither means the target's defaultTtl)")
@ValidationRule(
    value = "self.target == oldSelf.target",
    message = "target is immutable: delete this request and create a new one")
@ValidationRule(
    value = "self.requester == oldSelf.requester",
    message = "requester is immutable: delete this request and create a new one")
@ValidationRule(
    value =
        "has(self.requestId) == has(oldSelf.requestId)"
            + " && (!has(self.requestId) || self.requestId == oldSelf.requestId)",
    message = "requestId is immutable: it names the published AWS secret")
@ValidationRule(
    value =
        "has(self.delivery) == has(oldSelf.delivery)"
            + " && (!has(self.delivery) || self.delivery == oldSelf.delivery)",
    message =
        "delivery is immutable: credentials already published stay where they are; delete this"
            + " request and create a new one")
public class TemporaryDbAccessSpec {
  @Required
  @Pattern(ApiConstants.NAME_PATTERN)
  @JsonPropertyDescription(
      "Name of the AccessTarget (in the operator's control namespace), e.g. readonly."
          + " Immutable.")
  private String target;

  @Required
  @Size(min = 1, max = ApiConstants.REQUESTER_MAX_LENGTH)
  @Pattern(ApiConstants.REQUESTER_PATTERN)
  @JsonPropertyDescription(
      "Who the access is for, usually an email: letters and digits of any script and . _ + - @,"
          + " starting with a letter or digit (no spaces, quotes, backslashes, control or"
          + " invisible characters, %, * or ?). It names the database user, is recorded in status"
          + " and events, and is the AWS secret's requester tag exactly. Immutable.")
  private String requester;

  @Size(max = 1024)
  @JsonPropertyDescription("Why access was requested, e.g. a ticket reference.")
  private String reason;

  @Pattern(ApiConstants.DURATION_PATTERN)
  @JsonPropertyDescription(
      "How long access lasts from when it is granted, e.g. 30m or 2h. Raising it extends an"
          + " active grant (up to the target's maxTtl); lowering it ends the grant sooner.")
  private String ttl;

  @Pattern(
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")
  @JsonPropertyDescription(
      "Absolute end of access (RFC 3339), instead of ttl. Must be within the target's maxTtl of"
          + " when access is granted.")
  private String expiresAt;

  @Size(max = 253)
  @JsonPropertyDescription(
      "External id of the request, e.g. the Sym run id. Part of the default AWS secret name;"
          + " the resource's uid stands in when it is absent.")
  private String requestId;

  @Size(min = 1, max = 2)
  @JsonPropertyDescription(
      "Where to publish credentials, overriding the target's delivery: KubernetesSecret,"
          + " AwsSecretsManager, or both. Immutable.")
  private List<DeliveryMethod> delivery;

  public String getTarget() {
    return target;
  }

  public void setTarget(String target) {
    this.target = target;
  }

  public String getRequester() {
    return requester;
  }

  public void setRequester(String requester) {
    this.requester = requester;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getTtl() {
    return ttl;
  }

  public void setTtl(String ttl) {
    this.ttl = ttl;
  }

  public String getExpiresAt() {
    return expiresAt;
  }

  public void setExpiresAt(String expiresAt) {
    this.expiresAt = expiresAt;
  }

  public String getRequestId() {
    return requestId;
  }

  public void setRequestId(String requestId) {
    this.requestId = requestId;
  }

  public List<DeliveryMethod> getDelivery() {
    return delivery;
  }

  public void setDelivery(List<DeliveryMethod> delivery) {
    this.delivery = delivery;
  }
}
