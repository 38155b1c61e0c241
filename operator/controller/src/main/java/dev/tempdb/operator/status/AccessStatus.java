package dev.tempdb.operator.status;

import static dev.tempdb.operator.status.Conditions.of;

import dev.tempdb.api.v1alpha1.GrantedFor;
import dev.tempdb.api.v1alpha1.GrantedRole;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.PublishedCredentials;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.lease.Lease;
import dev.tempdb.operator.status.Conditions.Desired;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that writes {@link TemporaryDbAccessStatus}. Pure: each method takes the previous
 * status and what happened, and returns a new status; the reconciler patches it only if it differs
 * from what is stored.
 */
public final class AccessStatus {
  public static final String USER_PROVISIONED = "UserProvisioned";
  public static final String CREDENTIALS_PUBLISHED = "CredentialsPublished";
  public static final String USER_REMOVED = "UserRemoved";

  /** RoleGrant's one specific condition: true while the roles may be held through the request. */
  public static final String ROLES_GRANTED = "RolesGranted";

  private final TemporaryDbAccessStatus previous;
  private final Long generation;
  private final Instant now;
  private GrantedFor grantedFor;
  private Strategy strategy;

  public AccessStatus(TemporaryDbAccessStatus previous, Long generation, Instant now) {
    this.previous = previous == null ? new TemporaryDbAccessStatus() : previous;
    this.generation = generation;
    this.now = now;
    this.grantedFor = this.previous.getGrantedFor();
    this.strategy = this.previous.getStrategy();
  }

  /**
   * Records what access is being granted for (target, requester, delivery) and how (the strategy)
   * in the statuses built next; called where a grant starts. Other statuses keep what was recorded
   * before.
   */
  public AccessStatus grantingFor(GrantedFor what, Strategy how) {
    this.grantedFor = what;
    this.strategy = how;
    return this;
  }

  /** Waiting for something outside the request (its target) to become usable. */
  public TemporaryDbAccessStatus pending(String reason, String message) {
    return notGranted(Phase.Pending, reason, message);
  }

  /** The request cannot be granted as written. Recorded roles stay: deletion revokes them. */
  public TemporaryDbAccessStatus failed(String reason, String message) {
    return notGranted(Phase.Failed, reason, message);
  }

  /**
   * The grant failed and what it gave was taken back: no roles and no strategy stay recorded, so a
   * spec change later starts afresh.
   */
  public TemporaryDbAccessStatus failedAndUndone(String reason, String message) {
    // Conditions first: a RoleGrant request keeps its RolesGranted=False for people to read.
    TemporaryDbAccessStatus s = notGranted(Phase.Failed, reason, message);
    s.setRoles(null);
    s.setStrategy(null);
    return s;
  }

  /** A provisioning attempt failed and will be retried. */
  public TemporaryDbAccessStatus provisioningFailed(String message) {
    return notGranted(Phase.Provisioning, Reasons.PROVISIONING_FAILED, message);
  }

  /**
   * Publishing the credentials failed, the user was removed again, and the grant is retried: the
   * request is not usable, and says why.
   */
  public TemporaryDbAccessStatus publishFailed(String message) {
    TemporaryDbAccessStatus s = copy(Phase.Provisioning);
    s.setMessage(message);
    return withConditions(
        s,
        of(Conditions.READY, false, Reasons.PUBLISH_FAILED, message),
        of(USER_PROVISIONED, false, Reasons.PUBLISH_FAILED, "User removed until publishing works"),
        of(CREDENTIALS_PUBLISHED, false, Reasons.PUBLISH_FAILED, message));
  }

  public TemporaryDbAccessStatus active(
      String requester,
      String server,
      String username,
      Lease lease,
      PublishedCredentials credentials) {
    TemporaryDbAccessStatus s = copy(Phase.Active);
    s.setServer(server);
    s.setUsername(username);
    s.setGrantedAt(lease.grantedAt().toString());
    s.setExpiresAt(lease.expiresAt().toString());
    s.setCredentials(credentials);
    List<String> places = new ArrayList<>();
    if (credentials.getKubernetesSecret() != null) {
      places.add("Secret " + credentials.getKubernetesSecret());
    }
    if (credentials.getAwsSecretName() != null) {
      places.add("AWS secret " + credentials.getAwsSecretName());
    }
    String where = places.isEmpty() ? "" : "; credentials in " + String.join(" and ", places);
    s.setMessage(
        "Access for " + requester + " as " + username + " until " + lease.expiresAt() + where);
    return withConditions(
        s,
        of(Conditions.READY, true, Reasons.GRANTED, s.getMessage()),
        of(USER_PROVISIONED, true, Reasons.USER_CREATED, "User " + username + " exists"),
        of(CREDENTIALS_PUBLISHED, true, Reasons.PUBLISHED, "Credentials published"));
  }

  /**
   * RoleGrant, first step: the user and exactly which roles will be granted (and which the user
   * held before) are recorded before anything changes in the database, so that a crash at any later
   * point still knows what to revoke.
   */
  public TemporaryDbAccessStatus rolesRecorded(
      String server, String username, List<GrantedRole> roles) {
    TemporaryDbAccessStatus s = copy(Phase.Provisioning);
    s.setServer(server);
    s.setUsername(username);
    s.setRoles(roles);
    s.setMessage("Granting " + describe(roles) + " to " + username);
    return withConditions(s, of(Conditions.READY, false, Reasons.ROLES_RECORDED, s.getMessage()));
  }

  /** RoleGrant: the roles are granted until the lease ends; nothing was published. */
  public TemporaryDbAccessStatus rolesGranted(String requester, Lease lease) {
    TemporaryDbAccessStatus s = copy(Phase.Active);
    s.setGrantedAt(lease.grantedAt().toString());
    s.setExpiresAt(lease.expiresAt().toString());
    s.setCredentials(null);
    s.setMessage(
        "Access for "
            + requester
            + ": "
            + describe(s.getRoles())
            + " granted to database user "
            + s.getUsername()
            + " until "
            + lease.expiresAt());
    return withConditions(s, of(Conditions.READY, true, Reasons.GRANTED, s.getMessage()));
  }

  /** An active grant keeps its lease, but a change to the request was refused. */
  public TemporaryDbAccessStatus changeRefused(String message) {
    TemporaryDbAccessStatus s = copy(Phase.Active);
    s.setMessage("Change refused, access continues unchanged: " + message);
    return withConditions(
        s,
        of(Conditions.READY, true, Reasons.CHANGE_REFUSED, s.getMessage()),
        of(USER_PROVISIONED, true, Reasons.USER_CREATED, "User exists"),
        of(CREDENTIALS_PUBLISHED, true, Reasons.PUBLISHED, "Credentials published"));
  }

  /**
   * Revoking failed (e.g. the database is unreachable) and is being retried. The message says
   * plainly that access is not over and what still works ({@link AccessLeft}), then why.
   */
  public TemporaryDbAccessStatus revocationFailed(String why) {
    TemporaryDbAccessStatus s = copy(Phase.Revoking);
    String message = "Access is NOT revoked yet: " + AccessLeft.describe(s, now) + ". " + why;
    s.setMessage(message);
    return withConditions(
        s,
        of(Conditions.READY, false, Reasons.REVOCATION_FAILED, message),
        of(USER_PROVISIONED, true, Reasons.USER_CREATED, "User not removed yet"),
        of(CREDENTIALS_PUBLISHED, true, Reasons.PUBLISHED, "Credentials not withdrawn yet"),
        of(USER_REMOVED, false, Reasons.REVOCATION_FAILED, message));
  }

  /** The user is locked and its sessions ended, but it could not be dropped. */
  public TemporaryDbAccessStatus dropFailed(String username, String detail) {
    TemporaryDbAccessStatus s = copy(Phase.Revoking);
    s.setMessage(
        "User "
            + username
            + " is locked (cannot log in) and its sessions were ended, but it could not be"
            + " dropped: "
            + detail);
    return withConditions(
        s,
        of(Conditions.READY, false, Reasons.DROP_FAILED, s.getMessage()),
        of(USER_PROVISIONED, false, Reasons.DROP_FAILED, "User locked, not dropped"),
        of(CREDENTIALS_PUBLISHED, false, Reasons.WITHDRAWN, "Credentials withdrawn"),
        of(USER_REMOVED, false, Reasons.DROP_FAILED, detail));
  }

  /**
   * Access is over for good: the user is gone and the credentials withdrawn.
   *
   * @param phase Expired or Revoked
   */
  public TemporaryDbAccessStatus ended(Phase phase, String username, String how) {
    TemporaryDbAccessStatus s = copy(phase);
    s.setRevokedAt(now.toString());
    if (username != null) {
      s.setUsername(username);
    }
    String reason = phase == Phase.Expired ? Reasons.EXPIRED : Reasons.REVOKED;
    s.setMessage(how);
    return withConditions(
        s,
        of(Conditions.READY, false, reason, how),
        of(USER_PROVISIONED, false, Reasons.DROPPED, "User removed"),
        of(CREDENTIALS_PUBLISHED, false, Reasons.WITHDRAWN, "Credentials withdrawn"),
        of(USER_REMOVED, true, Reasons.DROPPED, how));
  }

  private TemporaryDbAccessStatus notGranted(Phase phase, String reason, String message) {
    TemporaryDbAccessStatus s = copy(phase);
    s.setMessage(message);
    return withConditions(
        s,
        of(Conditions.READY, false, reason, message),
        of(USER_PROVISIONED, false, Reasons.NOT_PROVISIONED, "No user yet"),
        of(CREDENTIALS_PUBLISHED, false, Reasons.NOT_PUBLISHED, "Nothing published"));
  }

  private TemporaryDbAccessStatus withConditions(TemporaryDbAccessStatus s, Desired... desired) {
    List<Desired> all = s.getRoles() == null ? List.of(desired) : forRoleGrant(s, desired[0]);
    s.setConditions(Conditions.merge(previous.getConditions(), all, generation, now));
    return s;
  }

  /**
   * A RoleGrant request creates no user and publishes nothing, so instead of UserProvisioned,
   * CredentialsPublished and UserRemoved it carries RolesGranted: true while the roles may be held
   * through it (Active, or Revoking until revocation succeeds), for the reason Ready gives.
   */
  private static List<Desired> forRoleGrant(TemporaryDbAccessStatus s, Desired ready) {
    boolean held = s.getPhase() == Phase.Active || s.getPhase() == Phase.Revoking;
    return List.of(ready, of(ROLES_GRANTED, held, ready.reason(), ready.message()));
  }

  /** E.g. "role analyst" or "roles analyst, auditor (auditor already held)". */
  private static String describe(List<GrantedRole> roles) {
    List<String> names = roles.stream().map(GrantedRole::getName).toList();
    List<String> held =
        roles.stream().filter(GrantedRole::alreadyHeld).map(GrantedRole::getName).toList();
    return (names.size() == 1 ? "role " : "roles ")
        + String.join(", ", names)
        + (held.isEmpty() ? "" : " (" + String.join(", ", held) + " already held)");
  }

  private TemporaryDbAccessStatus copy(Phase phase) {
    TemporaryDbAccessStatus s = new TemporaryDbAccessStatus();
    s.setObservedGeneration(generation);
    s.setPhase(phase);
    s.setServer(previous.getServer());
    s.setGrantedFor(grantedFor);
    s.setStrategy(strategy);
    s.setUsername(previous.getUsername());
    s.setGrantedAt(previous.getGrantedAt());
    s.setExpiresAt(previous.getExpiresAt());
    s.setRevokedAt(previous.getRevokedAt());
    s.setCredentials(previous.getCredentials());
    s.setRoles(previous.getRoles());
    return s;
  }
}
