package dev.tempdb.operator.status;

/**
 * A problem that is reported as a condition with a fixed reason (a missing target, Secret or
 * ConfigMap) rather than retried as an error: it heals only when someone changes something.
 */
public class ConditionException extends RuntimeException {
  private final String reason;

  public ConditionException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** One of {@link Reasons}. */
  public String reason() {
    return reason;
  }
}
