package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.lease.Lease;
import java.util.Objects;
import java.util.Optional;

/**
 * The one way into a strategy's grant. A grant is the one step that is not harmless to repeat (it
 * rotates a password someone may just have fetched), so it runs only on a copy as new as the API's:
 * a cached copy may predate the status that recorded Active.
 */
final class Granting {
  private final LatestCopy latest;
  private final Strategies strategies;

  Granting(LatestCopy latest, Strategies strategies) {
    this.latest = latest;
    this.strategies = strategies;
  }

  Outcome grant(RequestView view, Lease lease) {
    Optional<TemporaryDbAccess> fresh = latest.of(view.access());
    if (fresh.isEmpty()) {
      return new Outcome.Unchanged(null); // deleted meanwhile: cleanup takes over
    }
    if (!Objects.equals(
        fresh.get().getMetadata().getResourceVersion(),
        view.access().getMetadata().getResourceVersion())) {
      return new Outcome.StaleCopy(fresh.get());
    }
    return strategies.of(view).grant(view, lease);
  }
}
