package dev.tempdb.core.engine;

import java.util.List;

/**
 * Outcome of {@link TemporaryUsers#revoke}.
 *
 * @param endedSessions the server's ids of the user's sessions that were ended (PostgreSQL backend
 *     PIDs, MySQL/MariaDB process-list ids), so an audit can show a session was cut off
 * @param detail why the user could not be dropped (no secrets), or null
 */
public record RevocationResult(Outcome outcome, List<Long> endedSessions, String detail) {
  public RevocationResult {
    endedSessions = List.copyOf(endedSessions);
  }

  /** Nothing to end: the user was not there. */
  public static RevocationResult alreadyAbsent() {
    return new RevocationResult(Outcome.ALREADY_ABSENT, List.of(), null);
  }

  public int sessionsTerminated() {
    return endedSessions.size();
  }

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
