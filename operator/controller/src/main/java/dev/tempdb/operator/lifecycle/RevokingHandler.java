package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.Phase;

/**
 * Revoking: a revocation started and could not finish. Finish it; never grant again, which would
 * give a locked user its login back.
 */
final class RevokingHandler implements PhaseHandler {
  private final Strategies strategies;

  RevokingHandler(Strategies strategies) {
    this.strategies = strategies;
  }

  @Override
  public Outcome handle(RequestView view) {
    return strategies.of(view).revoke(view, Phase.Expired);
  }
}
