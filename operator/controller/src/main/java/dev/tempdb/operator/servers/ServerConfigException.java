package dev.tempdb.operator.servers;

/**
 * A DatabaseServer cannot be used as configured (missing Secret or key, unsupported engine):
 * retrying will not help until someone changes it.
 */
public class ServerConfigException extends RuntimeException {
  private final String reason;

  public ServerConfigException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
