package dev.tempdb.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds a condition list from the desired conditions, keeping transition times stable. */
public final class Conditions {
  public static final String READY = "Ready";

  private Conditions() {}

  /** One desired condition. */
  public record Desired(String type, boolean status, String reason, String message) {}

  public static Desired of(String type, boolean status, String reason, String message) {
    return new Desired(type, status, reason, message);
  }

  /**
   * @return the desired conditions in order; {@code lastTransitionTime} is carried over from the
   *     previous list when a condition's status did not change, so it moves only on a real
   *     transition
   */
  public static List<Condition> merge(
      List<Condition> previous, List<Desired> desired, Long generation, Instant now) {
    List<Condition> out = new ArrayList<>(desired.size());
    for (Desired d : desired) {
      String status = d.status() ? "True" : "False";
      String since =
          find(previous, d.type())
              .filter(p -> status.equals(p.getStatus()) && p.getLastTransitionTime() != null)
              .map(Condition::getLastTransitionTime)
              .orElse(now.toString());
      out.add(
          new ConditionBuilder()
              .withType(d.type())
              .withStatus(status)
              .withReason(d.reason())
              .withMessage(d.message())
              .withObservedGeneration(generation)
              .withLastTransitionTime(since)
              .build());
    }
    return out;
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  public static java.util.Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return java.util.Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
