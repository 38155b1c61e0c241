package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.core.lease.Lease;
import java.util.Optional;

/**
 * How access is granted and taken back: {@link TemporaryUserStrategy} or {@link RoleGrantStrategy}.
 * The handlers decide when; a strategy decides what that means in the database and the sinks. Every
 * method is safe to run again after a crash at any point.
 */
interface GrantStrategy {

  /**
   * Grants (or takes the next step of granting) for the lease. Called on the latest copy of the
   * request only.
   */
  Outcome grant(RequestView view, Lease lease);

  /**
   * An active grant goes on under a lease that may have moved; empty when it cannot (the user is
   * gone) and must be granted again.
   */
  Optional<Outcome> renew(RequestView view, Lease lease);

  /**
   * Takes access back.
   *
   * @param end Expired (the lease ran out) or Revoked (the request was deleted)
   * @throws IllegalStateException when the server recorded in status is gone
   */
  Outcome revoke(RequestView view, Phase end);
}
