package dev.tempdb.sym;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;

/** A status as the operator writes it: phase, message and the Ready condition that agrees. */
final class OperatorStatus {
  private OperatorStatus() {}

  static TemporaryDbAccessStatus of(Phase phase, String reason, String message) {
    TemporaryDbAccessStatus status = new TemporaryDbAccessStatus();
    status.setPhase(phase);
    status.setMessage(message);
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus(phase == Phase.Active ? "True" : "False")
                .withReason(reason)
                .withMessage(message)
                .build()));
    return status;
  }
}
