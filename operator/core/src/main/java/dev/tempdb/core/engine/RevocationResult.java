package dev.tempdb.core.engine;

/**
 * Outcome of {@link TemporaryUsers#revoke}.
 *
 * @param sessionsTerminated sessions of the user that were ended
 * @param detail why the user could not be dropped (no secrets), or null
 */
public record RevocationResult(Outcome outcome, int sessionsTerminated, String detail) {
  public enum Outcome {
    /** The user existed and is gone now. */
    DROPPED,
    /** There was no such user (already revoked, or never created). */
    ALREADY_ABSENT,
    /** The user is locked and its sessions ended, but the drop failed; see detail. */
    LEFT_DISABLED
  }

  public boolean userGone() {
    return outcome != Outcome.LEFT_DISABLED;
  }
}
