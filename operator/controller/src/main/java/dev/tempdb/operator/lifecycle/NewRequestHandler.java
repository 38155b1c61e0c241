package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.lease.Lease;

/**
 * New, Pending or Provisioning (a grant in progress, or retried after a failure): wait for the
 * target, check the lease, grant. Also a Failed request whose spec changed since it failed.
 */
final class NewRequestHandler implements PhaseHandler {
  private final Granting granting;

  NewRequestHandler(Granting granting) {
    this.granting = granting;
  }

  @Override
  public Outcome handle(RequestView view) {
    if (view.resolved() == null) {
      var why = view.unavailableCondition();
      return new Outcome.Waiting(why.reason(), why.getMessage());
    }
    Lease lease;
    try {
      lease = view.lease();
    } catch (InvalidRequestException e) {
      return new Outcome.Refused(Reasons.INVALID_REQUEST, e.getMessage());
    }
    return granting.grant(view, lease);
  }
}
