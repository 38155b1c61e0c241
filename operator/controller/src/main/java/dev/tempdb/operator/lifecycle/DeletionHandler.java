package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.grant.AccessGrants;
import dev.tempdb.operator.status.Conditions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request is being deleted: revoke whatever may exist, and only then let the finalizer go. A
 * request that was never granted does not hold its deletion (or its namespace) hostage to an
 * unreachable server or sink: at most a crashed attempt left a user whose password nobody was
 * given, and the orphan sweep removes it.
 */
final class DeletionHandler implements PhaseHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeletionHandler.class);

  private final Strategies strategies;

  DeletionHandler(Strategies strategies) {
    this.strategies = strategies;
  }

  @Override
  public Outcome handle(RequestView view) {
    TemporaryDbAccessStatus stored = view.stored();
    Phase phase = view.phase();
    if (phase != null && phase.isEnded()) {
      return new Outcome.Finished();
    }
    boolean rolesRecorded = stored != null && stored.getRoles() != null;
    if (view.strategy() == Strategy.RoleGrant && !rolesRecorded) {
      return new Outcome.Finished(); // roles are granted only after they are recorded
    }
    boolean mayHaveUser = phase == Phase.Active || phase == Phase.Revoking || rolesRecorded;
    if (!mayHaveUser && !view.server().map(DeletionHandler::isReady).orElse(false)) {
      // Never granted, and no server to look at that answers now (none named, or one whose
      // health check fails, where each try would hold this deletion for the pool's whole
      // timeout): a user created just before a crash is the orphan sweep's. Withdraw what that
      // attempt may have published, and let go at once.
      withdrawBestEffort(view);
      return new Outcome.Finished();
    }
    Outcome outcome;
    try {
      outcome = strategies.of(view).revoke(view, Phase.Revoked);
    } catch (RuntimeException e) {
      if (!mayHaveUser) {
        LOG.warn(
            "Deleted before it was granted; leaving any user to the sweep: {}", e.getMessage());
        withdrawBestEffort(view);
        return new Outcome.Finished();
      }
      outcome =
          new Outcome.RevocationFailed(
              "Deletion waits for revocation, which failed and will be retried: " + e.getMessage());
    }
    return abandonedIfAsked(view, outcome);
  }

  /** A revocation that failed is given up only when an admin asked, never on its own. */
  private static Outcome abandonedIfAsked(RequestView view, Outcome outcome) {
    Optional<String> reason = view.abandonRevocationReason();
    if (reason.isEmpty()) {
      return outcome;
    }
    if (outcome instanceof Outcome.RevocationFailed f) {
      withdrawBestEffort(view);
      return new Outcome.RevocationAbandoned(reason.get(), false, f.message());
    }
    if (outcome instanceof Outcome.DropFailed d) {
      return new Outcome.RevocationAbandoned(reason.get(), true, d.detail());
    }
    return outcome;
  }

  private static boolean isReady(DatabaseServer server) {
    return server.getStatus() != null
        && Conditions.isTrue(server.getStatus().getConditions(), Conditions.READY);
  }

  /** The orphan sweep deletes an AWS secret whose request is gone, should this fail. */
  private static void withdrawBestEffort(RequestView view) {
    try {
      AccessGrants.withdraw(view.owner(), view.withdrawFrom());
    } catch (RuntimeException e) {
      LOG.warn(
          "Deleted before it was granted; leaving its credentials to the sweep: {}",
          e.getMessage());
    }
  }
}
