package dev.tempdb.sym;

import dev.tempdb.api.v1alpha1.ApiConstants;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the bridge does with an event, the same for the Lambda and the webhook.
 *
 * @param namespace where TemporaryDbAccess resources are created (the bridge's RBAC is scoped to
 *     it)
 * @param targets Sym target name to AccessTarget name; a name not listed is used as it is
 * @param delivery delivery to request on every grant; empty means each target's own default
 * @param waitTimeout how long an event waits for the grant to become Active or go away
 */
public record BridgeSettings(
    String namespace,
    Map<String, String> targets,
    List<DeliveryMethod> delivery,
    Duration waitTimeout) {
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(20);

  public BridgeSettings {
    targets = Map.copyOf(targets);
    delivery = List.copyOf(delivery);
  }

  public static BridgeSettings of(String namespace) {
    return new BridgeSettings(namespace, Map.of(), List.of(), DEFAULT_WAIT);
  }

  public BridgeSettings withTargets(Map<String, String> targets) {
    return new BridgeSettings(namespace, targets, delivery, waitTimeout);
  }

  public BridgeSettings withDelivery(List<DeliveryMethod> delivery) {
    return new BridgeSettings(namespace, targets, delivery, waitTimeout);
  }

  public BridgeSettings withWaitTimeout(Duration waitTimeout) {
    return new BridgeSettings(namespace, targets, delivery, waitTimeout);
  }

  /**
   * Reads {@code TEMPDB_SYM_NAMESPACE}, {@code TEMPDB_SYM_TARGETS} ({@code
   * sym_name=access-target,...}), {@code TEMPDB_SYM_DELIVERY} ({@code AwsSecretsManager} and/or
   * {@code KubernetesSecret}, comma separated) and {@code TEMPDB_SYM_WAIT_TIMEOUT} (ISO-8601 or
   * 20s/1m).
   *
   * @param defaultNamespace used when TEMPDB_SYM_NAMESPACE is unset (the client's namespace)
   * @throws IllegalArgumentException naming the variable and the fix
   */
  public static BridgeSettings fromEnv(Map<String, String> env, String defaultNamespace) {
    String namespace = env.getOrDefault("TEMPDB_SYM_NAMESPACE", defaultNamespace);
    if (namespace == null || !namespace.matches(ApiConstants.NAME_PATTERN)) {
      throw new IllegalArgumentException(
          "TEMPDB_SYM_NAMESPACE must name the namespace grants are created in, e.g. tempdb-requests"
              + " (got "
              + namespace
              + ")");
    }
    return new BridgeSettings(
        namespace,
        targets(env.getOrDefault("TEMPDB_SYM_TARGETS", "")),
        delivery(env.getOrDefault("TEMPDB_SYM_DELIVERY", "")),
        EnvSettings.duration(
            env,
            "TEMPDB_SYM_WAIT_TIMEOUT",
            DEFAULT_WAIT,
            Duration.ofNanos(1),
            Duration.ofMinutes(14),
            "above zero and at most 14m (Lambda's limit is 15m), e.g. 20s"));
  }

  static Map<String, String> targets(String spec) {
    Map<String, String> targets = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] pair = entry.split("=", -1);
      if (pair.length != 2
          || pair[0].isBlank()
          || !pair[1].trim().matches(ApiConstants.NAME_PATTERN)) {
        throw new IllegalArgumentException(
            "TEMPDB_SYM_TARGETS entry \""
                + entry
                + "\" must be sym_target_name=access-target-name (lower case, digits, - and .),"
                + " e.g. read_only=readonly");
      }
      targets.put(pair[0].trim(), pair[1].trim());
    }
    return targets;
  }

  static List<DeliveryMethod> delivery(String spec) {
    List<DeliveryMethod> methods = new ArrayList<>();
    for (String name : spec.split(",")) {
      if (name.isBlank()) {
        continue;
      }
      try {
        DeliveryMethod method = DeliveryMethod.valueOf(name.trim());
        if (!methods.contains(method)) {
          methods.add(method);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "TEMPDB_SYM_DELIVERY \""
                + name.trim()
                + "\" is not a delivery method; use AwsSecretsManager, KubernetesSecret or both"
                + " (comma separated)");
      }
    }
    return methods;
  }

  /** The AccessTarget a Sym target name refers to. */
  public String accessTarget(String symTarget) {
    return targets.getOrDefault(symTarget, symTarget);
  }
}
