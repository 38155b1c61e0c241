package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/**
 * The parts of a request's spec that access was granted for: its target, requester, delivery and
 * request id. They are immutable (the CRD's CEL rules refuse edits), and recorded so that an API
 * server that does not run those rules still cannot move a live grant to another target, person or
 * place: the operator keeps using these.
 */
public class GrantedFor {
  @JsonPropertyDescription("spec.target when access was granted.")
  private String target;

  @JsonPropertyDescription("spec.requester when access was granted.")
  private String requester;

  @JsonPropertyDescription("spec.delivery when access was granted (absent: the target's).")
  private List<DeliveryMethod> delivery;

  @JsonPropertyDescription("spec.requestId when access was granted; it names the AWS secret.")
  private String requestId;

  public GrantedFor() {}

  public GrantedFor(
      String target, String requester, List<DeliveryMethod> delivery, String requestId) {
    this.target = target;
    this.requester = requester;
    this.delivery = delivery == null ? null : List.copyOf(delivery);
    this.requestId = requestId;
  }

  /** What the spec says now. */
  public static GrantedFor of(TemporaryDbAccessSpec spec) {
    return new GrantedFor(
        spec.getTarget(), spec.getRequester(), spec.getDelivery(), spec.getRequestId());
  }

  public String getRequestId() {
    return requestId;
  }

  public void setRequestId(String requestId) {
    this.requestId = requestId;
  }

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

  public List<DeliveryMethod> getDelivery() {
    return delivery;
  }

  public void setDelivery(List<DeliveryMethod> delivery) {
    this.delivery = delivery;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GrantedFor g
        && Objects.equals(target, g.target)
        && Objects.equals(requester, g.requester)
        && Objects.equals(delivery, g.delivery)
        && Objects.equals(requestId, g.requestId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(target, requester, delivery, requestId);
  }
}
