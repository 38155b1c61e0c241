package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.grant.AccessGrants;
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
    if (!mayHaveUser && view.server().isEmpty()) {
      // Never granted and nowhere to look: a user created just before a crash would belong to a
      // server we cannot name. Withdraw what that attempt may have published.
      withdrawBestEffort(view);
      return new Outcome.Finished();
    }
    try {
      return strategies.of(view).revoke(view, Phase.Revoked);
    } catch (RuntimeException e) {
      if (!mayHaveUser) {
        LOG.warn(
            "Deleted before it was granted; leaving any user to the sweep: {}", e.getMessage());
        withdrawBestEffort(view);
        return new Outcome.Finished();
      }
      return new Outcome.RevocationFailed(
          "Deletion waits for revocation, which failed and will be retried: " + e.getMessage());
    }
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
