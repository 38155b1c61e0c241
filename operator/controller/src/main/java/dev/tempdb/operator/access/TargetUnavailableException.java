package dev.tempdb.operator.access;

import dev.tempdb.operator.status.ConditionException;

/** The target of a request (or its server) is missing or not Ready yet: wait, do not fail. */
public class TargetUnavailableException extends ConditionException {
  public TargetUnavailableException(String reason, String message) {
    super(reason, message);
  }
}
