package dev.tempdb.core.sweep;

import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.TemporaryUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops managed users that no live request accounts for: what a crash, a force-removed finalizer or
 * a deleted namespace left behind. Only users with this operator's prefix and marker are ever
 * considered, and users provisioned within the grace period are left alone so a grant in flight is
 * never raced.
 */
public final class OrphanSweep {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);

  private OrphanSweep() {}

  /**
   * @param isLive whether a live request owns the user; callers must list the database users before
   *     taking the set of live requests, so a user created meanwhile is always accounted for
   * @return the users that were removed
   */
  public static List<String> sweep(
      TemporaryUsers engine,
      List<ManagedUser> candidates,
      Predicate<String> isLive,
      Instant now,
      Duration grace) {
    List<String> removed = new ArrayList<>();
    for (ManagedUser user : candidates) {
      if (isLive.test(user.username())) {
        continue;
      }
      if (user.createdAt() == null || user.createdAt().isAfter(now.minus(grace))) {
        LOG.debug("Leaving {} alone: provisioned within the grace period", user.username());
        continue;
      }
      RevocationResult result;
      try {
        result = engine.revoke(user.username(), null);
      } catch (RuntimeException e) {
        // One user the admin cannot remove must not keep the sweep from the others.
        LOG.warn("Orphan sweep could not remove user {}: {}", user.username(), e.getMessage());
        continue;
      }
      if (result.outcome() == RevocationResult.Outcome.DROPPED) {
        LOG.info("Orphan sweep dropped user {}", user.username());
        removed.add(user.username());
      } else if (!result.userGone()) {
        LOG.warn(
            "Orphan sweep locked user {} but could not drop it: {}",
            user.username(),
            result.detail());
      }
    }
    return removed;
  }
}
