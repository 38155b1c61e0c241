package dev.tempdb.sym;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.PublishedCredentials;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where a grant stands, read from its status, as the bridge must answer Sym: usable now, refused
 * for good, or still on its way. Pure.
 */
public sealed interface GrantProgress {
  /** Pending reasons that no amount of waiting fixes: a person must change something. */
  Set<String> REFUSED_WHILE_PENDING =
      Set.of(Reasons.TARGET_NOT_FOUND, Reasons.DELIVERY_NOT_CONFIGURED, Reasons.INVALID_REQUEST);

  /** Active: the body Sym gets back (references only, never the password). */
  record Active(Map<String, String> body) implements GrantProgress {}

  /** Failed, refused or already over: the operator's message says why. */
  record Refused(String message) implements GrantProgress {}

  /** Not settled yet; the message says what it waits for. */
  record Waiting(String message) implements GrantProgress {}

  static GrantProgress of(TemporaryDbAccess access) {
    TemporaryDbAccessStatus status = access.getStatus();
    if (status == null || status.getPhase() == null) {
      return new Waiting("the operator has not picked it up yet");
    }
    String message = status.getMessage() == null ? status.getPhase().name() : status.getMessage();
    Phase phase = status.getPhase();
    if (phase == Phase.Active) {
      return new Active(body(access));
    }
    if (phase.isFinal() || phase == Phase.Revoking) {
      return new Refused(message);
    }
    if (phase == Phase.Pending && REFUSED_WHILE_PENDING.contains(readyReason(status))) {
      return new Refused(message);
    }
    return new Waiting(message);
  }

  private static String readyReason(TemporaryDbAccessStatus status) {
    if (status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(Condition::getReason)
        .findFirst()
        .orElse(null);
  }

  /**
   * {@code secret_name} is what Sym's SDK hook sends the requester: the AWS secret when there is
   * one (the requester can read it with their own IAM identity), else the Kubernetes Secret.
   */
  private static Map<String, String> body(TemporaryDbAccess access) {
    TemporaryDbAccessStatus status = access.getStatus();
    PublishedCredentials published = status.getCredentials();
    String namespace = access.getMetadata().getNamespace();
    Map<String, String> body = new LinkedHashMap<>();
    if (published != null && published.getAwsSecretName() != null) {
      body.put("secret_name", published.getAwsSecretName());
      putIfPresent(body, "secret_arn", published.getAwsSecretArn());
    } else if (published != null && published.getKubernetesSecret() != null) {
      body.put("secret_name", published.getKubernetesSecret());
    }
    if (published != null && published.getKubernetesSecret() != null) {
      body.put("kubernetes_secret", namespace + "/" + published.getKubernetesSecret());
    }
    putIfPresent(body, "username", status.getUsername());
    if (status.getRoles() != null) {
      // RoleGrant: nothing is published; the requester uses their own login with these roles.
      body.put(
          "roles", String.join(",", status.getRoles().stream().map(r -> r.getName()).toList()));
    }
    putIfPresent(body, "expires_at", status.getExpiresAt());
    body.put("grant", namespace + "/" + access.getMetadata().getName());
    return body;
  }

  private static void putIfPresent(Map<String, String> body, String key, String value) {
    if (value != null) {
      body.put(key, value);
    }
  }
}
