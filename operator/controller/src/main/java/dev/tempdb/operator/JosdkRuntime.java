package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.runtime.Leadership;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How {@link OperatorApp} sets up JOSDK and its metrics: the operator's settings, the request
 * controller's retry and schedule, and what the health endpoint reports as unhealthy.
 */
final class JosdkRuntime {
  private JosdkRuntime() {}

  static PrometheusMeterRegistry meters() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // JOSDK labels reconciles with their retry number, and revocation retries without limit: one
    // new series per attempt. Beyond a few attempts the number says nothing more.
    meters
        .config()
        .meterFilter(
            MeterFilter.replaceTagValues(
                "reconciliations.retries.number", n -> n.matches("[0-3]") ? n : "4+"));
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    return meters;
  }

  static Operator operator(
      KubernetesClient client, Leadership leadership, PrometheusMeterRegistry meters) {
    return new Operator(
        o -> {
          o.withKubernetesClient(client)
              .withCloseClientOnStop(false)
              // Status is patched with merge patches: the fabric8 mock server (tests, sandbox)
              // does not implement server-side apply.
              .withUseSSAToPatchPrimaryResource(false)
              // Resource versions are comparable (etcd revisions): an event older than a status
              // we just wrote must not replace it in the cache.
              .withParseResourceVersions(true)
              .withReconciliationTerminationTimeout(Duration.ofSeconds(30))
              // Per-resource metrics would label by request: unbounded, and they name people.
              .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(meters));
          if (leadership.electionEnabled()) {
            o.withLeaderElectionConfiguration(leadership.josdkConfiguration());
          }
        });
  }

  static void requestControllerSettings(
      ControllerConfigurationOverrider<TemporaryDbAccess> c, OperatorConfig config) {
    // Revocation must never give up: retry without limit, backing off to once a minute, and look
    // at every request at least every 10 minutes whatever happens.
    c.withRetry(
        new GenericRetry()
            .setInitialInterval(Duration.ofSeconds(1))
            .setIntervalMultiplier(2)
            .setMaxInterval(Duration.ofMinutes(1).toMillis())
            .withoutMaxAttempts());
    c.withReconciliationMaxInterval(Duration.ofMinutes(10));
    if (config.watchNamespaces().isEmpty()) {
      c.watchingAllNamespaces();
    } else {
      c.settingNamespaces(config.watchNamespaces());
    }
  }

  static Map<String, Set<String>> unhealthy(RuntimeInfo info) {
    Map<String, Set<String>> unhealthy = new TreeMap<>();
    info.unhealthyEventSources()
        .forEach(
            (controller, sources) -> {
              if (!sources.isEmpty()) {
                unhealthy.put(controller, new TreeSet<>(sources.keySet()));
              }
            });
    return unhealthy;
  }
}
