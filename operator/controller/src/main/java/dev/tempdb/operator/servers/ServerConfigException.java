package dev.tempdb.operator.servers;

import dev.tempdb.operator.status.ConditionException;

/**
 * A DatabaseServer cannot be used as configured (missing Secret or key, unsupported engine):
 * retrying will not help until someone changes it.
 */
public class ServerConfigException extends ConditionException {
  public ServerConfigException(String reason, String message) {
    super(reason, message);
  }
}
