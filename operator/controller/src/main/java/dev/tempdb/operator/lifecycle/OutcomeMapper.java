package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.GrantedFor;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.lease.Lease;
import dev.tempdb.operator.events.AccessEvents;
import dev.tempdb.operator.lifecycle.Outcome.ChangeRefused;
import dev.tempdb.operator.lifecycle.Outcome.DropFailed;
import dev.tempdb.operator.lifecycle.Outcome.Ended;
import dev.tempdb.operator.lifecycle.Outcome.Finished;
import dev.tempdb.operator.lifecycle.Outcome.GrantUndone;
import dev.tempdb.operator.lifecycle.Outcome.Granted;
import dev.tempdb.operator.lifecycle.Outcome.Kept;
import dev.tempdb.operator.lifecycle.Outcome.KeptWithoutTarget;
import dev.tempdb.operator.lifecycle.Outcome.PublishRetried;
import dev.tempdb.operator.lifecycle.Outcome.Refused;
import dev.tempdb.operator.lifecycle.Outcome.Retained;
import dev.tempdb.operator.lifecycle.Outcome.RevocationAbandoned;
import dev.tempdb.operator.lifecycle.Outcome.RevocationFailed;
import dev.tempdb.operator.lifecycle.Outcome.RolesHeld;
import dev.tempdb.operator.lifecycle.Outcome.RolesRecorded;
import dev.tempdb.operator.lifecycle.Outcome.StaleCopy;
import dev.tempdb.operator.lifecycle.Outcome.Unchanged;
import dev.tempdb.operator.lifecycle.Outcome.Waiting;
import dev.tempdb.operator.status.AccessLeft;
import dev.tempdb.operator.status.AccessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place an {@link Outcome} becomes a status (through the pure {@link AccessStatus}
 * builder), events and the time to look again. Warnings are sent only when the status they explain
 * is new, so retries do not flood events.
 */
final class OutcomeMapper {
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeMapper.class);

  private final AccessEvents events;
  private final Deadlines deadlines;

  OutcomeMapper(AccessEvents events, Deadlines deadlines) {
    this.events = events;
    this.deadlines = deadlines;
  }

  /**
   * @param deleting the request is being deleted: once access has ended the finalizer may go
   * @throws RetryableFailure for {@link PublishRetried}, carrying the status to record
   */
  Step map(TemporaryDbAccess access, Instant now, Outcome outcome, boolean deleting) {
    TemporaryDbAccessStatus stored = access.getStatus();
    AccessStatus next = new AccessStatus(stored, access.getMetadata().getGeneration(), now);
    String requester = access.getSpec().getRequester();
    if (outcome instanceof Unchanged u) {
      return Step.then(stored, u.recheckIn());
    }
    if (outcome instanceof StaleCopy) {
      return Step.then(stored, deadlines.recheck()); // a second stale read: wait
    }
    if (outcome instanceof Waiting w) {
      return Step.then(next.pending(w.reason(), w.message()), deadlines.recheck());
    }
    if (outcome instanceof KeptWithoutTarget k) {
      // Expiry must not wait for the target: the grant stays, and revocation only needs the
      // server recorded in status.
      LOG.warn("Target of active grant unavailable, grant unchanged: {}", k.why());
      return Step.then(
          stored, Deadlines.min(deadlines.recheck(), deadlines.untilExpiry(stored, now)));
    }
    if (outcome instanceof Refused r) {
      TemporaryDbAccessStatus failed = next.failed(r.reason(), r.message());
      warnOnce(access, failed, r.reason(), r.message());
      return Step.then(failed, null);
    }
    if (outcome instanceof GrantUndone u) {
      TemporaryDbAccessStatus failed = next.failedAndUndone(u.reason(), u.message());
      warnOnce(access, failed, u.reason(), u.message());
      return Step.then(failed, null);
    }
    if (outcome instanceof Granted g) {
      if (stored != null && stored.getPhase() == Phase.Active) {
        events.warning(
            access,
            Reasons.USER_MISSING,
            "User " + stored.getUsername() + " disappeared from the database; granting again");
      }
      TemporaryDbAccessStatus status =
          next.grantingFor(GrantedFor.of(access.getSpec()), Strategy.TemporaryUser)
              .active(requester, g.server(), g.username(), g.lease(), g.credentials());
      events.normal(access, Reasons.GRANTED, status.getMessage());
      LOG.info(
          "Granted {} as {} until {}",
          access.getSpec().getTarget(),
          g.username(),
          g.lease().expiresAt());
      return Step.then(status, Duration.between(now, g.lease().expiresAt()));
    }
    if (outcome instanceof RolesRecorded r) {
      return Step.then(
          next.grantingFor(GrantedFor.of(access.getSpec()), Strategy.RoleGrant)
              .rolesRecorded(r.server(), r.username(), r.roles()),
          Duration.ZERO);
    }
    if (outcome instanceof RolesHeld h) {
      TemporaryDbAccessStatus status = next.rolesGranted(requester, h.lease());
      if (h.granted()) {
        events.normal(access, Reasons.GRANTED, status.getMessage());
        LOG.info("{}", status.getMessage());
      } else {
        announceLeaseChange(access, h.lease());
      }
      return Step.then(status, Duration.between(now, h.lease().expiresAt()));
    }
    if (outcome instanceof Kept k) {
      announceLeaseChange(access, k.lease());
      TemporaryDbAccessStatus status =
          next.active(
              requester,
              stored.getServer(),
              stored.getUsername(),
              k.lease(),
              stored.getCredentials());
      return Step.then(status, Duration.between(now, k.lease().expiresAt()));
    }
    if (outcome instanceof ChangeRefused c) {
      TemporaryDbAccessStatus refused = next.changeRefused(c.message());
      warnOnce(access, refused, Reasons.CHANGE_REFUSED, c.message());
      return Step.then(refused, deadlines.untilExpiry(stored, now));
    }
    if (outcome instanceof PublishRetried p) {
      TemporaryDbAccessStatus status = next.publishFailed(p.message());
      warnOnce(access, status, Reasons.PUBLISH_FAILED, p.message());
      throw new RetryableFailure(status, p.cause());
    }
    if (outcome instanceof RevocationFailed f) {
      TemporaryDbAccessStatus status = next.revocationFailed(f.message());
      warnOnce(access, status, Reasons.REVOCATION_FAILED, status.getMessage());
      return Step.then(status, deadlines.recheck());
    }
    if (outcome instanceof RevocationAbandoned a) {
      String left =
          a.locked()
              ? "user " + stored.getUsername() + " is locked but was not dropped"
              : AccessLeft.describe(stored, now);
      String message =
          "Revocation abandoned, as annotation "
              + TemporaryDbAccess.ABANDON_REVOCATION
              + " asks (\""
              + a.reason()
              + "\"): access is NOT revoked: "
              + left
              + "; remove it by hand on server "
              + stored.getServer()
              + ". Last failure: "
              + a.failure();
      events.warning(access, Reasons.REVOCATION_ABANDONED, message);
      LOG.warn("{}", message);
      return Step.abandoned();
    }
    if (outcome instanceof DropFailed d) {
      TemporaryDbAccessStatus status = next.dropFailed(d.username(), d.detail());
      warnOnce(access, status, Reasons.DROP_FAILED, status.getMessage());
      return Step.then(status, deadlines.recheck());
    }
    if (outcome instanceof Ended e) {
      if (e.leftBehind() != null) {
        events.warning(access, Reasons.DELIVERY_NOT_CONFIGURED, e.leftBehind());
      }
      events.normal(
          access, e.phase() == Phase.Expired ? Reasons.EXPIRED : Reasons.REVOKED, e.how());
      LOG.info("{}", e.how());
      if (deleting) {
        return Step.finished();
      }
      TemporaryDbAccessStatus status = next.ended(e.phase(), e.username(), e.how());
      return Step.then(status, deadlines.untilRetentionEnds(status, now));
    }
    if (outcome instanceof Retained r) {
      return r.left().isZero() ? new Step(stored, null, true) : Step.then(stored, r.left());
    }
    if (outcome instanceof Finished) {
      return Step.finished();
    }
    throw new IllegalStateException("no mapping for " + outcome);
  }

  /**
   * An identity field was edited after the grant (an API server without the CRD's CEL rules let it
   * through): access goes on as granted, and an active grant's status says so.
   */
  Step refusedEdit(TemporaryDbAccess access, Instant now, Step asGranted, String message) {
    if (asGranted.status() == null || asGranted.status().getPhase() != Phase.Active) {
      return asGranted;
    }
    TemporaryDbAccessStatus refused =
        new AccessStatus(asGranted.status(), access.getMetadata().getGeneration(), now)
            .changeRefused(message);
    warnOnce(access, refused, Reasons.CHANGE_REFUSED, message);
    return new Step(refused, asGranted.recheckIn(), asGranted.done());
  }

  /**
   * The status to record after a pass failed with {@code failure} (JOSDK retries with backoff);
   * empty to leave the stored one. A granted request stays as it is until its expiry, when the
   * failure is its revocation's. The message is the failure's own, which never carries a secret.
   */
  Optional<TemporaryDbAccessStatus> afterFailure(
      TemporaryDbAccess access, Instant now, Exception failure) {
    if (failure instanceof RetryableFailure retry) {
      return Optional.of(retry.status()); // built by map(), which already said why
    }
    TemporaryDbAccessStatus stored = access.getStatus();
    Phase phase = stored == null ? null : stored.getPhase();
    AccessStatus next = new AccessStatus(stored, access.getMetadata().getGeneration(), now);
    if (phase == null || phase == Phase.Pending || phase == Phase.Provisioning) {
      return Optional.of(next.provisioningFailed("Will retry: " + failure.getMessage()));
    }
    if ((phase == Phase.Active && !now.isBefore(Instant.parse(stored.getExpiresAt())))
        || phase == Phase.Revoking) {
      // Expired but not yet revoked: say so, the credentials may still work until it succeeds.
      return Optional.of(
          next.revocationFailed("Revocation failed, will retry: " + failure.getMessage()));
    }
    return Optional.empty();
  }

  private void announceLeaseChange(TemporaryDbAccess access, Lease lease) {
    TemporaryDbAccessStatus stored = access.getStatus();
    if (lease.expiresAt().toString().equals(stored.getExpiresAt())) {
      return;
    }
    boolean longer = lease.expiresAt().isAfter(Instant.parse(stored.getExpiresAt()));
    events.normal(
        access,
        longer ? Reasons.EXTENDED : Reasons.SHORTENED,
        "Access of " + stored.getUsername() + " now ends at " + lease.expiresAt());
  }

  private void warnOnce(
      TemporaryDbAccess access, TemporaryDbAccessStatus next, String reason, String message) {
    if (access.getStatus() == null
        || !Objects.equals(access.getStatus().getMessage(), next.getMessage())) {
      events.warning(access, reason, message);
    }
  }
}
