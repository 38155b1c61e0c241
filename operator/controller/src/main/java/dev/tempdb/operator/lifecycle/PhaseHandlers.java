package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.Phase;

/**
 * Which handler decides a request in each phase; see the diagram in docs/architecture.md. A request
 * being deleted is always decided by the deletion handler, whatever its phase.
 */
final class PhaseHandlers {
  private final NewRequestHandler newRequest;
  private final ActiveHandler active;
  private final RevokingHandler revoking;
  private final EndedHandler ended;
  private final FailedHandler failed;
  private final DeletionHandler deletion;

  PhaseHandlers(Strategies strategies, Granting granting, Deadlines deadlines) {
    this.newRequest = new NewRequestHandler(granting);
    this.active = new ActiveHandler(strategies, granting);
    this.revoking = new RevokingHandler(strategies);
    this.ended = new EndedHandler(deadlines);
    this.failed = new FailedHandler(newRequest);
    this.deletion = new DeletionHandler(strategies);
  }

  PhaseHandler forPhase(Phase phase) {
    if (phase == null) {
      return newRequest;
    }
    return switch (phase) {
      case Pending, Provisioning -> newRequest;
      case Active -> active;
      case Revoking -> revoking;
      case Expired, Revoked -> ended;
      case Failed -> failed;
    };
  }

  PhaseHandler forDeletion() {
    return deletion;
  }
}
