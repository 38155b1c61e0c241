package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.lease.Lease;
import java.time.Instant;

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
      // A grant retried after it was Active (its user disappeared, publishing failed) keeps
      // counting from the first grant: a retry never lengthens access.
      String grantedAt = view.stored() == null ? null : view.stored().getGrantedAt();
      lease = view.leaseFrom(grantedAt == null ? view.now() : Instant.parse(grantedAt));
    } catch (InvalidRequestException e) {
      return new Outcome.Refused(Reasons.INVALID_REQUEST, e.getMessage());
    }
    return granting.grant(view, lease);
  }
}
