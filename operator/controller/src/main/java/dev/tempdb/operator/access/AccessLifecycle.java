package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.GrantedFor;
import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.PublishedCredentials;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.grant.AccessGrants;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.lease.Lease;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.core.sink.CredentialSink;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.PublishedSecret;
import dev.tempdb.core.sink.SinkException;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.events.EventRecorder;
import dev.tempdb.operator.servers.ServerRegistry;
import dev.tempdb.operator.status.AccessStatus;
import dev.tempdb.operator.status.ConditionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one TemporaryDbAccess: grant, extend or shorten, expire, revoke on deletion.
 * Decides from the stored status and the spec, calls the engine and the sinks through {@link
 * AccessGrants}, and returns the next status; it never talks to JOSDK.
 *
 * <p>Restart safety: an Active request whose lease is unchanged does nothing, so a restarted
 * operator re-issues no credentials. A crash before Active was recorded is healed by provisioning
 * again: the user name is deterministic, so the same user gets a fresh password that is published
 * over the old one.
 *
 * <p>A grant is the one step that is not harmless to repeat (it rotates a password someone may just
 * have fetched), so it is decided on the latest copy from the API, never on a cached one that may
 * predate the status recording Active.
 *
 * <p>RoleGrant targets are delegated to {@link RoleGrants}; leases, expiry and retention are the
 * same for both strategies.
 *
 * @param latest reads the request from the API (empty when it is gone)
 * @param allRequests reads every served request from the API (RoleGrant's ledger of who holds a
 *     role)
 */
public final class AccessLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLifecycle.class);

  private final OperatorConfig config;
  private final TargetResolver resolver;
  private final ServerRegistry servers;
  private final CredentialSinks sinks;
  private final EventRecorder events;
  private final Function<TemporaryDbAccess, Optional<TemporaryDbAccess>> latest;
  private final RoleGrants roleGrants;
  private final Clock clock;

  public AccessLifecycle(
      OperatorConfig config,
      TargetResolver resolver,
      ServerRegistry servers,
      CredentialSinks sinks,
      EventRecorder events,
      Function<TemporaryDbAccess, Optional<TemporaryDbAccess>> latest,
      Supplier<List<TemporaryDbAccess>> allRequests,
      Clock clock) {
    this.config = config;
    this.resolver = resolver;
    this.servers = servers;
    this.sinks = sinks;
    this.events = events;
    this.latest = latest;
    this.roleGrants = new RoleGrants(servers, resolver, events, new RoleHolders(allRequests));
    this.clock = clock;
  }

  public Step reconcile(TemporaryDbAccess access) {
    Optional<String> edit = RequestRules.refusedEdit(access);
    if (edit.isPresent()) {
      // An API server without the CRD's CEL rules let an identity field change: carry on with
      // what was granted, and say so.
      Step step = decide(RequestRules.asGranted(access));
      if (step.status() == null || step.status().getPhase() != Phase.Active) {
        return step;
      }
      TemporaryDbAccessStatus refused =
          new AccessStatus(step.status(), access.getMetadata().getGeneration(), clock.instant())
              .changeRefused(edit.get());
      warnOnce(access, refused, Reasons.CHANGE_REFUSED, edit.get());
      return new Step(refused, step.recheckIn(), step.done());
    }
    Optional<String> invalid = RequestRules.problem(access);
    if (invalid.isPresent()) {
      AccessStatus next =
          new AccessStatus(
              access.getStatus(), access.getMetadata().getGeneration(), clock.instant());
      TemporaryDbAccessStatus failed = next.failed(Reasons.INVALID_REQUEST, invalid.get());
      warnOnce(access, failed, Reasons.INVALID_REQUEST, invalid.get());
      return Step.then(failed, null);
    }
    return decide(access);
  }

  private Step decide(TemporaryDbAccess access) {
    Instant now = clock.instant();
    TemporaryDbAccessStatus stored = access.getStatus();
    Phase phase = stored == null ? null : stored.getPhase();
    AccessStatus next = new AccessStatus(stored, access.getMetadata().getGeneration(), now);

    if (phase == Phase.Expired || phase == Phase.Revoked) {
      Duration left = untilRetentionEnds(stored, now);
      return left.isZero() ? new Step(stored, null, true) : Step.then(stored, left);
    }
    if (phase == Phase.Failed
        && Objects.equals(stored.getObservedGeneration(), access.getMetadata().getGeneration())) {
      return Step.then(stored, null);
    }
    // Revoking means a revocation started and could not finish: finish it, never grant again
    // (that would give a locked user its login back).
    if (phase == Phase.Revoking) {
      return revoke(access, next, Phase.Expired);
    }
    boolean granted = phase == Phase.Active;
    if (granted && !now.isBefore(Instant.parse(stored.getExpiresAt()))) {
      return revoke(access, next, Phase.Expired);
    }

    ResolvedTarget target;
    try {
      target = resolver.resolve(access);
      sinks.forMethods(target.delivery()); // a delivery the operator lacks: wait, say so
    } catch (ConditionException e) {
      if (granted) {
        // Expiry must not wait for the target: keep the grant, and look again at the latest at
        // expiry (revocation only needs the server recorded in status).
        LOG.warn("Target of active grant unavailable, grant unchanged: {}", e.getMessage());
        return Step.then(stored, min(config.recheckInterval(), untilExpiry(stored, now)));
      }
      return Step.then(next.pending(e.reason(), e.getMessage()), config.recheckInterval());
    }

    Lease lease;
    try {
      Instant grantedAt = granted ? Instant.parse(stored.getGrantedAt()) : now;
      lease =
          target
              .leasePolicy()
              .leaseFor(grantedAt, access.getSpec().getTtl(), access.getSpec().getExpiresAt());
    } catch (InvalidRequestException e) {
      if (granted) {
        TemporaryDbAccessStatus refused = next.changeRefused(e.getMessage());
        warnOnce(access, refused, Reasons.CHANGE_REFUSED, e.getMessage());
        return Step.then(refused, untilExpiry(stored, now));
      }
      events.warning(access, Reasons.INVALID_REQUEST, e.getMessage());
      return Step.then(next.failed(Reasons.INVALID_REQUEST, e.getMessage()), null);
    }

    if (granted && lease.isOver(now)) {
      return revoke(access, next, Phase.Expired);
    }
    if (phase == Phase.Active && stored.getRoles() != null) {
      // RoleGrant: the database has no expiry for a role membership; the lease lives in status.
      if (!lease.expiresAt().toString().equals(stored.getExpiresAt())) {
        announceLeaseChange(access, stored, lease);
      }
      return Step.then(
          next.rolesGranted(access.getSpec().getRequester(), lease),
          Duration.between(now, lease.expiresAt()));
    }
    if (phase == Phase.Active && lease.expiresAt().toString().equals(stored.getExpiresAt())) {
      TemporaryDbAccessStatus same =
          next.active(
              access.getSpec().getRequester(),
              stored.getServer(),
              stored.getUsername(),
              lease,
              stored.getCredentials());
      return Step.then(same, Duration.between(now, lease.expiresAt()));
    }
    if (phase == Phase.Active && changeExpiry(access, target, stored, lease)) {
      announceLeaseChange(access, stored, lease);
      return Step.then(
          next.active(
              access.getSpec().getRequester(),
              stored.getServer(),
              stored.getUsername(),
              lease,
              stored.getCredentials()),
          Duration.between(now, lease.expiresAt()));
    }
    return grant(access, target, next, lease, now);
  }

  /** Called on deletion. */
  public Step cleanup(TemporaryDbAccess access) {
    if (RequestRules.refusedEdit(access).isPresent()) {
      // Revoke what was granted: the recorded target's revoke SQL, the recorded delivery.
      return cleanup(RequestRules.asGranted(access));
    }
    if (RequestRules.problem(access).isPresent()) {
      return Step.finished(); // refused before anything was created
    }
    TemporaryDbAccessStatus stored = access.getStatus();
    Phase phase = stored == null ? null : stored.getPhase();
    if (phase == Phase.Expired || phase == Phase.Revoked) {
      return Step.finished();
    }
    AccessStatus next =
        new AccessStatus(stored, access.getMetadata().getGeneration(), clock.instant());
    boolean rolesRecorded = stored != null && stored.getRoles() != null;
    if (!rolesRecorded && targetIsRoleGrant(access)) {
      return Step.finished(); // roles are granted only after they are recorded: nothing to undo
    }
    boolean mayHaveUser = phase == Phase.Active || phase == Phase.Revoking || rolesRecorded;
    if (!mayHaveUser && serverOf(access).isEmpty()) {
      // Never granted and nowhere to look: a user created just before a crash would belong to a
      // server we cannot name, and the orphan sweep removes it. Credentials that crashed attempt
      // may have published are withdrawn (a Kubernetes Secret would go with its owner anyway).
      withdrawBestEffort(access);
      return Step.finished();
    }
    Step step;
    try {
      step = revoke(access, next, Phase.Revoked);
    } catch (RuntimeException e) {
      if (!mayHaveUser) {
        // Never granted: at most a user from a crashed attempt, whose password nobody knows. Do
        // not hold the deletion (or its namespace) hostage to an unreachable server; the orphan
        // sweep removes such a user once the server is back.
        LOG.warn(
            "Deleted before it was granted; leaving any user to the sweep: {}", e.getMessage());
        withdrawBestEffort(access);
        return Step.finished();
      }
      TemporaryDbAccessStatus status =
          next.revocationFailed(
              "Deletion waits for revocation, which failed and will be retried: " + e.getMessage());
      warnOnce(access, status, Reasons.REVOCATION_FAILED, status.getMessage());
      return new Step(status, config.recheckInterval(), false);
    }
    return step.status().getPhase() == Phase.Revoked
        ? Step.finished()
        : new Step(step.status(), step.recheckIn(), false);
  }

  private Step grant(
      TemporaryDbAccess access,
      ResolvedTarget target,
      AccessStatus next,
      Lease lease,
      Instant now) {
    Optional<TemporaryDbAccess> fresh = latest.apply(access);
    if (fresh.isEmpty()) {
      return Step.then(access.getStatus(), null); // deleted meanwhile: cleanup takes over
    }
    if (!Objects.equals(
        fresh.get().getMetadata().getResourceVersion(),
        access.getMetadata().getResourceVersion())) {
      LOG.debug("Cached copy was stale; deciding again on the latest");
      return reconcile(fresh.get());
    }
    if (RoleGrants.applies(access.getStatus(), target)) {
      return roleGrants.grant(access, target, next, lease, now);
    }
    DatabaseServer server = target.server();
    DatabaseEngine engine = servers.engineFor(server);
    String username = username(access, server, engine);
    String password = Passwords.generate();
    UserGrant grant =
        new UserGrant(
            username,
            password,
            lease.expiresAt(),
            target.target().getSpec().getConnectionLimit(),
            target.grantSql(),
            owner(access).key() + " requester=" + access.getSpec().getRequester(),
            target.target().getSpec().getHostPattern(),
            target.target().getSpec().getAllowedPrivileges() == null
                ? Set.of()
                : Set.copyOf(target.target().getSpec().getAllowedPrivileges()));
    Map<DeliveryMethod, PublishedSecret> published;
    try {
      published =
          AccessGrants.grant(
              engine,
              grant,
              ServerRegistry.credentials(server, username, password, lease.expiresAt()),
              owner(access),
              sinks.forMethods(target.delivery()),
              target.revokeSql(),
              ownedObjects(target.target()));
    } catch (EngineException e) {
      if (!e.isPermanent()) {
        throw e;
      }
      // This attempt rolled back, but an earlier one may have left a user and a Secret (a crash
      // before Active was recorded): remove them, or Failed would hide working credentials.
      AccessGrants.revoke(
          engine,
          username,
          target.revokeSql(),
          ownedObjects(target.target()),
          owner(access),
          withdrawFrom(access));
      events.warning(access, Reasons.GRANT_FAILED, e.getMessage());
      return Step.then(next.failed(Reasons.GRANT_FAILED, e.getMessage()), null);
    } catch (SinkException e) {
      return publishFailed(access, next, username, e);
    }
    PublishedSecret k8s = published.get(DeliveryMethod.KubernetesSecret);
    PublishedSecret aws = published.get(DeliveryMethod.AwsSecretsManager);
    PublishedCredentials refs =
        new PublishedCredentials(
            k8s == null ? null : k8s.name(),
            aws == null ? null : aws.name(),
            aws == null ? null : aws.arn());
    TemporaryDbAccessStatus status =
        next.grantingFor(GrantedFor.of(access.getSpec()))
            .active(
                access.getSpec().getRequester(),
                server.getMetadata().getName(),
                username,
                lease,
                refs);
    events.normal(access, Reasons.GRANTED, status.getMessage());
    LOG.info(
        "Granted {} as {} until {}", access.getSpec().getTarget(), username, lease.expiresAt());
    return Step.then(status, Duration.between(now, lease.expiresAt()));
  }

  /**
   * Publishing failed after the user was created; {@link AccessGrants#grant} has already removed
   * the user again, so no working credentials exist that nobody was given. A permanent failure (a
   * name taken by someone else) fails the request; anything else is retried with backoff, and
   * status says so meanwhile.
   */
  private Step publishFailed(
      TemporaryDbAccess access, AccessStatus next, String username, SinkException e) {
    boolean removed = e.getSuppressed().length == 0;
    String message =
        "Publishing credentials failed, "
            + (removed
                ? "so user " + username + " was removed again"
                : "and removing user "
                    + username
                    + " again failed too ("
                    + e.getSuppressed()[0].getMessage()
                    + "); it is retried")
            + ": "
            + e.getMessage();
    if (e.isPermanent() && removed) {
      events.warning(access, Reasons.PUBLISH_FAILED, message);
      return Step.then(next.failed(Reasons.PUBLISH_FAILED, message), null);
    }
    warnOnce(access, next.publishFailed(message), Reasons.PUBLISH_FAILED, message);
    throw SinkException.retryable(message, e);
  }

  private boolean changeExpiry(
      TemporaryDbAccess access,
      ResolvedTarget target,
      TemporaryDbAccessStatus stored,
      Lease lease) {
    // The server the user was created on, even if the target has been pointed elsewhere since.
    DatabaseEngine engine = servers.engineFor(serverOf(access).orElse(target.server()));
    boolean exists =
        AccessGrants.changeExpiry(
            engine,
            stored.getUsername(),
            lease.expiresAt(),
            owner(access),
            sinks.forMethods(target.delivery()));
    if (!exists) {
      events.warning(
          access,
          Reasons.USER_MISSING,
          "User " + stored.getUsername() + " disappeared from the database; granting again");
    }
    return exists;
  }

  private Step revoke(TemporaryDbAccess access, AccessStatus next, Phase endPhase) {
    DatabaseServer server =
        serverOf(access)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "cannot revoke: DatabaseServer "
                            + serverName(access)
                            + " not found in "
                            + config.controlNamespace()
                            + "; restore it so the user can be removed"));
    if (access.getStatus() != null && access.getStatus().getRoles() != null) {
      return revokeRoles(access, next, endPhase, server);
    }
    DatabaseEngine engine = servers.engineFor(server);
    String username = username(access, server, engine);
    RevocationResult result;
    try {
      result =
          AccessGrants.revoke(
              engine,
              username,
              revokeSql(access),
              targetOf(access).map(AccessLifecycle::ownedObjects).orElse(OwnedObjects.Reassign),
              owner(access),
              withdrawFrom(access));
    } catch (EngineException e) {
      if (!e.isPermanent()) {
        throw e;
      }
      // E.g. the admin lost its rights on the user: nothing was locked. Withdraw the credentials
      // anyway, say so, and try again later; VALID UNTIL still refuses new logins after expiry.
      AccessGrants.withdraw(owner(access), withdrawFrom(access));
      TemporaryDbAccessStatus status =
          next.revocationFailed("Revocation failed, will retry: " + e.getMessage());
      warnOnce(access, status, Reasons.REVOCATION_FAILED, status.getMessage());
      return Step.then(status, config.recheckInterval());
    }
    if (!result.userGone()) {
      TemporaryDbAccessStatus status = next.dropFailed(username, result.detail());
      warnOnce(access, status, Reasons.DROP_FAILED, status.getMessage());
      return Step.then(status, config.recheckInterval());
    }
    String how =
        (endPhase == Phase.Expired ? "Expired" : "Revoked")
            + ": user "
            + username
            + (result.outcome() == RevocationResult.Outcome.DROPPED ? " dropped" : " already gone")
            + (result.sessionsTerminated() > 0
                ? ", " + result.sessionsTerminated() + " session(s) ended"
                : "")
            + ", credentials withdrawn"
            + awsSecretLeftBehind(access);
    events.normal(access, endPhase == Phase.Expired ? Reasons.EXPIRED : Reasons.REVOKED, how);
    LOG.info("{}", how);
    TemporaryDbAccessStatus status = next.ended(endPhase, username, how);
    return Step.then(status, untilRetentionEnds(status, clock.instant()));
  }

  private void announceLeaseChange(
      TemporaryDbAccess access, TemporaryDbAccessStatus stored, Lease lease) {
    boolean longer = lease.expiresAt().isAfter(Instant.parse(stored.getExpiresAt()));
    events.normal(
        access,
        longer ? Reasons.EXTENDED : Reasons.SHORTENED,
        "Access of " + stored.getUsername() + " now ends at " + lease.expiresAt());
  }

  private Step revokeRoles(
      TemporaryDbAccess access, AccessStatus next, Phase endPhase, DatabaseServer server) {
    boolean endSessions =
        targetOf(access).map(t -> Boolean.TRUE.equals(t.getSpec().getEndSessions())).orElse(false);
    TemporaryDbAccessStatus status;
    try {
      status = roleGrants.revoke(access, next, endPhase, server, endSessions);
    } catch (EngineException e) {
      if (!e.isPermanent()) {
        throw e;
      }
      status = next.revocationFailed("Revoking the roles failed, will retry: " + e.getMessage());
      warnOnce(access, status, Reasons.REVOCATION_FAILED, status.getMessage());
      return Step.then(status, config.recheckInterval());
    }
    return Step.then(status, untilRetentionEnds(status, clock.instant()));
  }

  private boolean targetIsRoleGrant(TemporaryDbAccess access) {
    return targetOf(access).map(t -> t.getSpec().getStrategy() == Strategy.RoleGrant).orElse(false);
  }

  /** The request's target as it is now (a cache lookup), empty when it is gone. */
  private Optional<AccessTarget> targetOf(TemporaryDbAccess access) {
    return resolver.target(access.getSpec().getTarget());
  }

  /**
   * The sinks that may hold this request's credentials: a Kubernetes Secret always (cheap to
   * check), AWS if status recorded a secret there or the request or its target delivers there (a
   * crash may have published before status recorded it). Not every configured sink: an AWS outage
   * must not hold up requests that never used AWS.
   */
  private List<CredentialSink> withdrawFrom(TemporaryDbAccess access) {
    Set<DeliveryMethod> methods = EnumSet.of(DeliveryMethod.KubernetesSecret);
    TemporaryDbAccessStatus stored = access.getStatus();
    if (stored != null
        && stored.getCredentials() != null
        && stored.getCredentials().getAwsSecretName() != null) {
      methods.add(DeliveryMethod.AwsSecretsManager);
    }
    if (access.getSpec().getDelivery() != null) {
      methods.addAll(access.getSpec().getDelivery());
    } else {
      // With no target to ask, what status recorded is all we know.
      targetOf(access).map(t -> t.getSpec().getDelivery()).ifPresent(methods::addAll);
    }
    return sinks.configured(methods);
  }

  /**
   * A request deleted before it was granted: withdraw what a crashed attempt may have published,
   * but do not hold the deletion (or its namespace) hostage to an unreachable sink. The orphan
   * sweep deletes an AWS secret whose request is gone.
   */
  private void withdrawBestEffort(TemporaryDbAccess access) {
    try {
      AccessGrants.withdraw(owner(access), withdrawFrom(access));
    } catch (RuntimeException e) {
      LOG.warn(
          "Deleted before it was granted; leaving its credentials to the sweep: {}",
          e.getMessage());
    }
  }

  /** Says so when status recorded an AWS secret that this operator can no longer delete. */
  private String awsSecretLeftBehind(TemporaryDbAccess access) {
    TemporaryDbAccessStatus stored = access.getStatus();
    String name =
        stored == null || stored.getCredentials() == null
            ? null
            : stored.getCredentials().getAwsSecretName();
    if (name == null || sinks.methods().contains(DeliveryMethod.AwsSecretsManager)) {
      return "";
    }
    String message =
        "AWS secret "
            + name
            + " was NOT deleted: AWS delivery is off on the operator; delete it by hand (its"
            + " password no longer works)";
    events.warning(access, Reasons.DELIVERY_NOT_CONFIGURED, message);
    return "; " + message;
  }

  /** A warning event only when the status it explains is new, so retries do not flood events. */
  private void warnOnce(
      TemporaryDbAccess access, TemporaryDbAccessStatus next, String reason, String message) {
    if (access.getStatus() == null
        || !Objects.equals(access.getStatus().getMessage(), next.getMessage())) {
      events.warning(access, reason, message);
    }
  }

  private String revokeSql(TemporaryDbAccess access) {
    try {
      return targetOf(access)
          .map(t -> resolver.sql(t.getSpec().getRevoke(), "spec.revoke"))
          .orElse(null);
    } catch (TargetUnavailableException e) {
      LOG.warn("Revoking without the target's revoke SQL: {}", e.getMessage());
      return null;
    }
  }

  private Optional<DatabaseServer> serverOf(TemporaryDbAccess access) {
    String name = serverName(access);
    return name == null ? Optional.empty() : resolver.server(name);
  }

  /** The server recorded at grant time, else the one the target names now. */
  private String serverName(TemporaryDbAccess access) {
    TemporaryDbAccessStatus stored = access.getStatus();
    if (stored != null && stored.getServer() != null) {
      return stored.getServer();
    }
    return targetOf(access).map(t -> t.getSpec().getServer()).orElse(null);
  }

  private static String username(
      TemporaryDbAccess access, DatabaseServer server, DatabaseEngine engine) {
    TemporaryDbAccessStatus stored = access.getStatus();
    if (stored != null && stored.getUsername() != null) {
      // Never reset or drop a user this operator did not generate (e.g. a RoleGrant user).
      if (!Usernames.hasGeneratedShape(server.getSpec().getUserPrefix(), stored.getUsername())) {
        throw new IllegalStateException(
            "status names user "
                + stored.getUsername()
                + ", which is not a temporary user of this operator; refusing to change it");
      }
      return stored.getUsername();
    }
    return Usernames.forGrant(
        server.getSpec().getUserPrefix(),
        access.getSpec().getRequester(),
        access.getMetadata().getUid(),
        engine.maxUsernameLength());
  }

  private static OwnedObjects ownedObjects(AccessTarget target) {
    OwnedObjects choice = target.getSpec().getOwnedObjects();
    return choice == null ? OwnedObjects.Reassign : choice;
  }

  static GrantOwner owner(TemporaryDbAccess access) {
    return new GrantOwner(
        access.getApiVersion(),
        access.getKind(),
        access.getMetadata().getNamespace(),
        access.getMetadata().getName(),
        access.getMetadata().getUid(),
        access.getSpec().getRequester(),
        access.getSpec().getRequestId());
  }

  private Duration untilRetentionEnds(TemporaryDbAccessStatus status, Instant now) {
    Instant end = Instant.parse(status.getRevokedAt()).plus(config.expiredRetention());
    return Duration.between(now, end).isNegative() ? Duration.ZERO : Duration.between(now, end);
  }

  private static Duration untilExpiry(TemporaryDbAccessStatus stored, Instant now) {
    Duration d = Duration.between(now, Instant.parse(stored.getExpiresAt()));
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
