package dev.tempdb.operator.access;

/** The target of a request (or its server) is missing or not Ready yet: wait, do not fail. */
public class TargetUnavailableException extends RuntimeException {
  private final String reason;

  public TargetUnavailableException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
