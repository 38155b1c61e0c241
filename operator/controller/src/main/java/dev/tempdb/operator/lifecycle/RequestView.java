package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.lease.Lease;
import dev.tempdb.core.sink.CredentialSink;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.operator.access.ResolvedTarget;
import dev.tempdb.operator.status.ConditionException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one pass over a request decides on, read once (from caches) by {@link RequestViews}
 * and handed to the phase's handler, so no handler looks the target up again or infers the strategy
 * on its own.
 *
 * @param access the request as decided on (for a refused edit: as it was granted)
 * @param now the time of this pass
 * @param strategy how access is granted: recorded in status once a grant started, else the target's
 * @param target the target as cached now, Ready or not; empty when it is gone
 * @param resolved the Ready target with its server, SQL and lease policy; null when unavailable
 * @param unavailable why {@code resolved} is null: a {@link ConditionException} for a missing or
 *     not-Ready target or server or a delivery the operator lacks, anything else for a target that
 *     cannot be read (only the phases that need the target see it)
 * @param deliverTo the sinks of the resolved delivery (empty when unavailable or RoleGrant)
 * @param server the server the user was created on (recorded in status), else the one the target
 *     names now; empty when neither exists
 * @param serverName the name {@code server} was looked up by, for messages; may be null
 * @param withdrawFrom every configured sink that may hold this request's credentials
 * @param revokeSql the target's revoke SQL, null when it has none or it cannot be read
 * @param revokeSqlProblem why the revoke SQL cannot be read, or null
 * @param controlNamespace where targets and servers live, for messages
 */
record RequestView(
    TemporaryDbAccess access,
    Instant now,
    Strategy strategy,
    Optional<AccessTarget> target,
    ResolvedTarget resolved,
    RuntimeException unavailable,
    List<CredentialSink> deliverTo,
    Optional<DatabaseServer> server,
    String serverName,
    List<CredentialSink> withdrawFrom,
    String revokeSql,
    String revokeSqlProblem,
    String controlNamespace) {

  /**
   * Why an admin asked to abandon this request's revocation, if they did: the annotation's value,
   * cut to one line of at most 200 characters without control or format characters (bidi
   * overrides), since it is anyone's text and goes into events and logs.
   */
  public Optional<String> abandonRevocationReason() {
    Map<String, String> annotations = access.getMetadata().getAnnotations();
    String value =
        annotations == null ? null : annotations.get(TemporaryDbAccess.ABANDON_REVOCATION);
    if (value == null) {
      return Optional.empty();
    }
    String line = value.replaceAll("[\\p{Cntrl}\\p{Cf}\\s]+", " ").strip();
    return line.isEmpty()
        ? Optional.empty()
        : Optional.of(line.length() > 200 ? line.substring(0, 200) : line);
  }

  /**
   * The server to revoke on.
   *
   * @throws IllegalStateException when it is gone: revocation waits until it is restored
   */
  public DatabaseServer serverToRevokeOn() {
    return server.orElseThrow(
        () ->
            new IllegalStateException(
                "cannot revoke: DatabaseServer "
                    + serverName
                    + " not found in "
                    + controlNamespace
                    + "; restore it so the user can be removed"));
  }

  /**
   * Why the target cannot be used, as a condition to report and wait on.
   *
   * @throws RuntimeException a failure that is not a plain condition, to be retried with backoff
   */
  ConditionException unavailableCondition() {
    if (unavailable instanceof ConditionException condition) {
      return condition;
    }
    throw unavailable;
  }

  /** The stored status; null for a new request. */
  public TemporaryDbAccessStatus stored() {
    return access.getStatus();
  }

  /** The stored phase; null for a new request. */
  public Phase phase() {
    return stored() == null ? null : stored().getPhase();
  }

  public Long generation() {
    return access.getMetadata().getGeneration();
  }

  public String requester() {
    return access.getSpec().getRequester();
  }

  /** When the stored grant ends; only for a request that was Active. */
  public Instant expiresAt() {
    return Instant.parse(stored().getExpiresAt());
  }

  /**
   * The lease the spec asks for under the target's policy, counted from the first grant (kept in
   * status through lease changes and retried grants, so a retry never lengthens access), or from
   * now for a request never granted.
   */
  public Lease lease() throws InvalidRequestException {
    String grantedAt = stored() == null ? null : stored().getGrantedAt();
    return resolved
        .leasePolicy()
        .leaseFor(
            grantedAt == null ? now : Instant.parse(grantedAt),
            access.getSpec().getTtl(),
            access.getSpec().getExpiresAt());
  }

  /** What happens to what the user owns: the target's choice, Reassign when it is gone. */
  public OwnedObjects ownedObjects() {
    return target.map(t -> t.getSpec().getOwnedObjects()).orElse(OwnedObjects.Reassign);
  }

  /** RoleGrant: whether revocation ends the user's sessions (false when the target is gone). */
  public boolean endSessions() {
    return target.map(t -> Boolean.TRUE.equals(t.getSpec().getEndSessions())).orElse(false);
  }

  /** Who the published credentials belong to (and are tagged with). */
  public GrantOwner owner() {
    return new GrantOwner(
        access.getApiVersion(),
        access.getKind(),
        access.getMetadata().getNamespace(),
        access.getMetadata().getName(),
        access.getMetadata().getUid(),
        access.getSpec().getRequester(),
        access.getSpec().getRequestId());
  }
}
