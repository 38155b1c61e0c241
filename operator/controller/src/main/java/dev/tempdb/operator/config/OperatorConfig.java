package dev.tempdb.operator.config;

import dev.tempdb.core.lease.Durations;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.sink.aws.AwsSecretsManagerSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Operator-wide settings, read once at start from environment variables. A bad value stops the
 * operator at start with a message naming the variable, rather than misbehaving later.
 *
 * @param controlNamespace where DatabaseServers, AccessTargets, admin Secrets and grant-SQL
 *     ConfigMaps live; only platform admins should be able to write there
 * @param watchNamespaces namespaces whose TemporaryDbAccess resources are served; empty means all
 * @param expiredRetention how long Expired resources stay as an audit record (deleted requests are
 *     gone once revoked; their Revoked event remains)
 * @param sweepInterval how often the orphan sweep runs
 * @param sweepGrace users provisioned more recently than this are never swept
 * @param recheckInterval how soon a request waiting for its target, or a user that could not be
 *     dropped, is looked at again
 * @param aws AWS Secrets Manager delivery, or null when it is off
 */
public record OperatorConfig(
    String controlNamespace,
    Set<String> watchNamespaces,
    Duration expiredRetention,
    Duration sweepInterval,
    Duration sweepGrace,
    Duration recheckInterval,
    AwsSecretsManagerSettings aws) {

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    String control =
        env.getOrDefault(
            "TEMPDB_CONTROL_NAMESPACE", env.getOrDefault("POD_NAMESPACE", "tempdb-system"));
    Set<String> watch =
        Arrays.stream(env.getOrDefault("TEMPDB_WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    return new OperatorConfig(
        control,
        watch,
        duration(env, "TEMPDB_EXPIRED_RETENTION", "24h", true),
        duration(env, "TEMPDB_SWEEP_INTERVAL", "5m", false),
        duration(env, "TEMPDB_SWEEP_GRACE", "10m", true),
        duration(env, "TEMPDB_RECHECK_INTERVAL", "30s", false),
        AwsDeliveryConfig.fromEnvironment(env).orElse(null));
  }

  /** The same settings with AWS Secrets Manager delivery configured (tests, sandbox). */
  public OperatorConfig withAws(AwsSecretsManagerSettings settings) {
    return new OperatorConfig(
        controlNamespace,
        watchNamespaces,
        expiredRetention,
        sweepInterval,
        sweepGrace,
        recheckInterval,
        settings);
  }

  private static Duration duration(
      Map<String, String> env, String name, String fallback, boolean zeroAllowed) {
    String value = env.getOrDefault(name, fallback).trim();
    if (zeroAllowed && value.matches("0+[hms]?")) {
      return Duration.ZERO;
    }
    try {
      return Durations.parse(value, name);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException(
          "Environment variable " + e.getMessage() + " (default " + fallback + ")", e);
    }
  }
}
