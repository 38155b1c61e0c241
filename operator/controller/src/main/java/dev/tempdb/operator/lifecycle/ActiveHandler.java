package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.lease.Lease;

/**
 * Active: expire at the end of the lease, follow a changed lease, and otherwise change nothing, so
 * a restarted operator re-issues no credentials. Expiry never waits for the target.
 */
final class ActiveHandler implements PhaseHandler {
  private final Strategies strategies;
  private final Granting granting;

  ActiveHandler(Strategies strategies, Granting granting) {
    this.strategies = strategies;
    this.granting = granting;
  }

  @Override
  public Outcome handle(RequestView view) {
    GrantStrategy strategy = strategies.of(view);
    if (!view.now().isBefore(view.expiresAt())) {
      return strategy.revoke(view, Phase.Expired);
    }
    if (view.resolved() == null) {
      return new Outcome.KeptWithoutTarget(view.unavailableCondition().getMessage());
    }
    Lease lease;
    try {
      lease = view.lease(); // from the first grant, whatever was edited since
    } catch (InvalidRequestException e) {
      return new Outcome.ChangeRefused(e.getMessage());
    }
    if (lease.isOver(view.now())) {
      return strategy.revoke(view, Phase.Expired);
    }
    // Renewing fails only when the user disappeared from the database: grant it again.
    return strategy.renew(view, lease).orElseGet(() -> granting.grant(view, lease));
  }
}
