package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.ApiConstants;
import dev.tempdb.api.v1alpha1.GrantedFor;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Requesters;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessSpec;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the CRD's schema and CEL rules say about a request's identity fields, checked again by the
 * operator: API servers that do not run them (older ones, the test mock) must not let a malformed
 * requester reach user names, tags and logs, nor let an edit move a live grant to another target,
 * person or place.
 */
final class RequestRules {
  private static final Pattern NAME = Pattern.compile(ApiConstants.NAME_PATTERN);

  private RequestRules() {}

  /**
   * Why a request that has not been granted yet can never be, naming the field and the fix; empty
   * when target and requester are usable. Granted requests are judged by {@link #refusedEdit}.
   */
  static Optional<String> problem(TemporaryDbAccess access) {
    if (!notGrantedYet(access)) {
      return Optional.empty();
    }
    TemporaryDbAccessSpec spec = access.getSpec();
    if (spec == null) {
      return Optional.of("spec is missing; set spec.target and spec.requester");
    }
    Optional<String> requester = Requesters.problem(spec.getRequester());
    if (requester.isPresent()) {
      return Optional.of("spec.requester " + requester.get());
    }
    String target = spec.getTarget();
    if (target == null || target.isEmpty()) {
      return Optional.of("spec.target is missing; name an AccessTarget, e.g. readonly");
    }
    if (target.length() > 253 || !NAME.matcher(target).matches()) {
      return Optional.of(
          "spec.target is not an AccessTarget name (lower-case letters, digits, - and .); name"
              + " an AccessTarget, e.g. readonly");
    }
    if (spec.getDelivery() != null
        && (spec.getDelivery().isEmpty()
            || spec.getDelivery().size() > 2
            || spec.getDelivery().contains(null))) {
      return Optional.of(
          "spec.delivery must list one or two of KubernetesSecret and AwsSecretsManager, or be"
              + " left out to use the target's");
    }
    return Optional.empty();
  }

  /** True until anything may have been created for the request. */
  static boolean notGrantedYet(TemporaryDbAccess access) {
    TemporaryDbAccessStatus status = access.getStatus();
    if (status == null) {
      return true;
    }
    Phase phase = status.getPhase();
    return status.getGrantedFor() == null
        && status.getRoles() == null
        && phase != Phase.Active
        && phase != Phase.Revoking
        && phase != Phase.Expired
        && phase != Phase.Revoked;
  }

  /**
   * Says which of target, requester, delivery and requestId were edited since access was granted;
   * empty when none was (or nothing was recorded). The grant continues for what was recorded.
   */
  static Optional<String> refusedEdit(TemporaryDbAccess access) {
    GrantedFor granted = access.getStatus() == null ? null : access.getStatus().getGrantedFor();
    if (granted == null) {
      return Optional.empty();
    }
    GrantedFor now = GrantedFor.of(access.getSpec());
    List<String> changes = new ArrayList<>();
    if (!Objects.equals(granted.getTarget(), now.getTarget())) {
      changes.add("spec.target (granted for " + granted.getTarget() + ")");
    }
    if (!Objects.equals(granted.getRequester(), now.getRequester())) {
      changes.add("spec.requester (granted for " + granted.getRequester() + ")");
    }
    if (!Objects.equals(granted.getDelivery(), now.getDelivery())) {
      changes.add(
          "spec.delivery (granted for "
              + (granted.getDelivery() == null ? "the target's" : granted.getDelivery())
              + ")");
    }
    if (!Objects.equals(granted.getRequestId(), now.getRequestId())) {
      changes.add("spec.requestId (granted for " + granted.getRequestId() + ")");
    }
    if (changes.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        String.join(" and ", changes)
            + " changed after access was granted; they are immutable, so access continues as"
            + " granted. Delete this request and create a new one to change them");
  }

  /**
   * The request as it was granted: the spec's target, requester and delivery replaced by those
   * recorded in status. Metadata and status are shared, not copied; nothing here mutates them.
   */
  static TemporaryDbAccess asGranted(TemporaryDbAccess access) {
    GrantedFor granted = access.getStatus().getGrantedFor();
    TemporaryDbAccessSpec now = access.getSpec();
    TemporaryDbAccessSpec spec = new TemporaryDbAccessSpec();
    spec.setTarget(granted.getTarget());
    spec.setRequester(granted.getRequester());
    spec.setDelivery(granted.getDelivery());
    spec.setReason(now.getReason());
    spec.setTtl(now.getTtl());
    spec.setExpiresAt(now.getExpiresAt());
    spec.setRequestId(granted.getRequestId());
    TemporaryDbAccess copy = new TemporaryDbAccess();
    copy.setApiVersion(access.getApiVersion());
    copy.setKind(access.getKind());
    copy.setMetadata(access.getMetadata());
    copy.setSpec(spec);
    copy.setStatus(access.getStatus());
    return copy;
  }
}
