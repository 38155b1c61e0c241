package dev.tempdb.operator.config;

import dev.tempdb.core.lease.Durations;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.sink.aws.AwsSecretsManagerSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Operator-wide settings, read once at start from {@code TEMPDB_*} settings (environment variables,
 * optionally over a file: {@link ConfigSources}). A bad value stops the operator at start with a
 * message naming the setting, rather than misbehaving later. docs/operations.md lists them all (a
 * test checks that it does).
 *
 * @param controlNamespace where DatabaseServers, AccessTargets, admin Secrets, grant-SQL ConfigMaps
 *     and the leader Lease live; only platform admins should be able to write there
 * @param watchNamespaces namespaces whose TemporaryDbAccess resources are served; empty means all
 * @param expiredRetention how long Expired resources stay as an audit record (deleted requests are
 *     gone once revoked; their Revoked event remains)
 * @param sweepInterval how often the orphan sweep runs
 * @param sweepGrace users provisioned more recently than this are never swept
 * @param recheckInterval how soon a request waiting for its target, or a user that could not be
 *     dropped, is looked at again
 * @param leaderElection whether and how replicas elect the one that works
 * @param managementPort port of the metrics and health endpoints; 0 picks a free one (tests)
 * @param logLevel root log level (applied by logback.xml; validated here)
 * @param logFormat {@code text} or {@code json} (applied by logback.xml; validated here)
 * @param aws AWS Secrets Manager delivery, or null when it is off
 */
public record OperatorConfig(
    String controlNamespace,
    Set<String> watchNamespaces,
    Duration expiredRetention,
    Duration sweepInterval,
    Duration sweepGrace,
    Duration recheckInterval,
    LeaderElectionSettings leaderElection,
    int managementPort,
    String logLevel,
    String logFormat,
    AwsSecretsManagerSettings aws) {

  static final Set<String> NAMES =
      Set.of(
          "TEMPDB_CONTROL_NAMESPACE",
          "TEMPDB_WATCH_NAMESPACES",
          "TEMPDB_EXPIRED_RETENTION",
          "TEMPDB_SWEEP_INTERVAL",
          "TEMPDB_SWEEP_GRACE",
          "TEMPDB_RECHECK_INTERVAL",
          "TEMPDB_LEADER_ELECTION_ENABLED",
          "TEMPDB_LEADER_ELECTION_LEASE_NAME",
          "TEMPDB_LEADER_ELECTION_LEASE_DURATION",
          "TEMPDB_LEADER_ELECTION_RENEW_DEADLINE",
          "TEMPDB_LEADER_ELECTION_RETRY_PERIOD",
          "TEMPDB_MANAGEMENT_PORT",
          "TEMPDB_LOG_LEVEL",
          "TEMPDB_LOG_FORMAT",
          "TEMPDB_SYM_WEBHOOK_ENABLED",
          ConfigSources.FILE);

  /** Settings of the Sym webhook the operator can serve; its own module validates them. */
  private static final Set<String> WEBHOOK_PREFIXES = Set.of("TEMPDB_SYM_", "TEMPDB_EKS_");

  private static final Set<String> LOG_LEVELS = Set.of("ERROR", "WARN", "INFO", "DEBUG");

  /** Whether some part of the operator reads the TEMPDB_* setting {@code name}. */
  public static boolean isKnown(String name) {
    return NAMES.contains(name)
        || AwsDeliveryConfig.NAMES.contains(name)
        || WEBHOOK_PREFIXES.stream().anyMatch(name::startsWith);
  }

  /** Every setting the operator itself reads (without the Sym webhook's own). */
  public static Set<String> names() {
    return java.util.stream.Stream.concat(NAMES.stream(), AwsDeliveryConfig.NAMES.stream())
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * @param settings TEMPDB_* settings plus POD_NAMESPACE, POD_NAME and HOSTNAME from the
   *     environment (see {@link ConfigSources#load})
   */
  public static OperatorConfig fromSettings(Map<String, String> settings) {
    String control =
        settings.getOrDefault(
            "TEMPDB_CONTROL_NAMESPACE", settings.getOrDefault("POD_NAMESPACE", "tempdb-system"));
    dnsLabel("TEMPDB_CONTROL_NAMESPACE", control);
    Set<String> watch =
        Arrays.stream(settings.getOrDefault("TEMPDB_WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    watch.forEach(ns -> dnsLabel("TEMPDB_WATCH_NAMESPACES", ns));
    return new OperatorConfig(
        control,
        watch,
        duration(settings, "TEMPDB_EXPIRED_RETENTION", "24h", true),
        duration(settings, "TEMPDB_SWEEP_INTERVAL", "5m", false),
        duration(settings, "TEMPDB_SWEEP_GRACE", "10m", true),
        duration(settings, "TEMPDB_RECHECK_INTERVAL", "30s", false),
        leaderElection(settings),
        port(settings),
        logLevel(settings),
        oneOf(settings, "TEMPDB_LOG_FORMAT", "text", Set.of("text", "json")),
        AwsDeliveryConfig.fromEnvironment(settings).orElse(null));
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
        leaderElection,
        managementPort,
        logLevel,
        logFormat,
        settings);
  }

  /** The same settings with another leader election identity (tests running two replicas). */
  public OperatorConfig withIdentity(String identity) {
    LeaderElectionSettings le = leaderElection;
    return new OperatorConfig(
        controlNamespace,
        watchNamespaces,
        expiredRetention,
        sweepInterval,
        sweepGrace,
        recheckInterval,
        new LeaderElectionSettings(
            le.enabled(),
            le.leaseName(),
            identity,
            le.leaseDuration(),
            le.renewDeadline(),
            le.retryPeriod()),
        managementPort,
        logLevel,
        logFormat,
        aws);
  }

  private static LeaderElectionSettings leaderElection(Map<String, String> settings) {
    boolean enabled =
        Boolean.parseBoolean(
            oneOf(settings, "TEMPDB_LEADER_ELECTION_ENABLED", "true", Set.of("true", "false")));
    String lease = settings.getOrDefault("TEMPDB_LEADER_ELECTION_LEASE_NAME", "tempdb-operator");
    if (!lease.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      fail("TEMPDB_LEADER_ELECTION_LEASE_NAME", lease, "use a DNS subdomain name, e.g. tempdb");
    }
    Duration duration = duration(settings, "TEMPDB_LEADER_ELECTION_LEASE_DURATION", "15s", false);
    Duration renew = duration(settings, "TEMPDB_LEADER_ELECTION_RENEW_DEADLINE", "10s", false);
    Duration retry = duration(settings, "TEMPDB_LEADER_ELECTION_RETRY_PERIOD", "2s", false);
    // The holder must give up before anyone else may take over, and must get a few tries.
    if (renew.compareTo(duration) >= 0 || retry.compareTo(renew) >= 0) {
      throw new IllegalArgumentException(
          "Settings TEMPDB_LEADER_ELECTION_RETRY_PERIOD ("
              + retry
              + ") < TEMPDB_LEADER_ELECTION_RENEW_DEADLINE ("
              + renew
              + ") < TEMPDB_LEADER_ELECTION_LEASE_DURATION ("
              + duration
              + ") must hold; the defaults are 2s, 10s and 15s");
    }
    // The pod name (downward API) names the holder in `kubectl get lease`; the hostname is the
    // pod name too unless overridden; outside a pod, any unique value will do.
    String identity = settings.get("POD_NAME");
    if (identity == null || identity.isBlank()) {
      identity = settings.get("HOSTNAME");
    }
    if (identity == null || identity.isBlank()) {
      identity = "tempdb-" + UUID.randomUUID();
    }
    return new LeaderElectionSettings(enabled, lease, identity.trim(), duration, renew, retry);
  }

  private static int port(Map<String, String> settings) {
    String value = settings.getOrDefault("TEMPDB_MANAGEMENT_PORT", "8080").trim();
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    fail(
        "TEMPDB_MANAGEMENT_PORT",
        value,
        "use a port number from 1 to 65535 (default 8080), or 0 for any free port");
    return -1;
  }

  private static String logLevel(Map<String, String> settings) {
    String value =
        settings.getOrDefault("TEMPDB_LOG_LEVEL", "INFO").trim().toUpperCase(Locale.ROOT);
    if (value.equals("TRACE") || value.equals("ALL")) {
      fail(
          "TEMPDB_LOG_LEVEL",
          value,
          "at TRACE the Kubernetes client logs HTTP bodies, Secret data included; use DEBUG at"
              + " most");
    }
    if (!LOG_LEVELS.contains(value)) {
      fail("TEMPDB_LOG_LEVEL", value, "use one of " + LOG_LEVELS);
    }
    return value;
  }

  private static String oneOf(
      Map<String, String> settings, String name, String fallback, Set<String> allowed) {
    String value = settings.getOrDefault(name, fallback).trim().toLowerCase(Locale.ROOT);
    if (!allowed.contains(value)) {
      fail(name, value, "use one of " + new java.util.TreeSet<>(allowed));
    }
    return value;
  }

  private static void dnsLabel(String name, String value) {
    if (!value.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      fail(name, value, "'" + value + "' is not a namespace name");
    }
  }

  private static Duration duration(
      Map<String, String> settings, String name, String fallback, boolean zeroAllowed) {
    String value = settings.getOrDefault(name, fallback).trim();
    if (zeroAllowed && value.matches("0+[hms]?")) {
      return Duration.ZERO;
    }
    try {
      return Durations.parse(value, name);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException(
          "Setting " + e.getMessage() + " (default " + fallback + ")", e);
    }
  }

  private static void fail(String name, String value, String problem) {
    throw new IllegalArgumentException(
        "Setting " + name + " ('" + value + "') is not valid: " + problem);
  }
}
