package dev.tempdb.core.lease;

import java.time.Instant;

/** The window in which a grant is valid. */
public record Lease(Instant grantedAt, Instant expiresAt) {
  public boolean isOver(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
