package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import java.time.Duration;
import java.time.Instant;

/** When to look at a request again: the operator's intervals and the request's own deadlines. */
record Deadlines(Duration recheck, Duration expiredRetention) {

  /** Until the audit retention of an ended request is over; zero when it is. */
  Duration untilRetentionEnds(TemporaryDbAccessStatus ended, Instant now) {
    return notNegative(
        Duration.between(now, Instant.parse(ended.getRevokedAt()).plus(expiredRetention)));
  }

  /** Until a granted request's lease ends; zero when it has. */
  Duration untilExpiry(TemporaryDbAccessStatus granted, Instant now) {
    return notNegative(Duration.between(now, Instant.parse(granted.getExpiresAt())));
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration notNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
