package dev.tempdb.sym;

import java.time.Duration;
import java.util.Optional;

/**
 * The parts of a Sym {@code aws_lambda} strategy event the bridge acts on.
 *
 * @param type escalate (after approval) or de-escalate (at expiry or on Revoke)
 * @param runSrn {@code run.srn}, identical in both events of one request
 * @param runId the run's uuid, the last {@code :} segment of the SRN: the idempotency key
 * @param flow {@code run.flow}, kept for people reading the resource; may be null
 * @param requester {@code run.actors.request.username}; null on a de-escalate that lacks it
 * @param symTarget {@code fields.target.name} as Sym sent it; null on a de-escalate that lacks it
 * @param reason {@code fields.reason}; may be null
 * @param duration {@code fields.duration}; empty means the target's default
 * @param approver who approved ({@code run.actors.approve.username}, else the event's actor); may
 *     be null
 * @param eventId the event's {@code id}; may be null
 */
public record SymEvent(
    Type type,
    String runSrn,
    String runId,
    String flow,
    String requester,
    String symTarget,
    String reason,
    Optional<Duration> duration,
    String approver,
    String eventId) {

  public enum Type {
    ESCALATE,
    DEESCALATE
  }
}
