package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.sink.CredentialSink;
import dev.tempdb.core.sink.KubernetesSecretSink;
import dev.tempdb.core.sink.aws.AwsSecretsManagerSink;
import dev.tempdb.core.sink.aws.SecretsManagerClients;
import dev.tempdb.operator.access.AccessTargetReconciler;
import dev.tempdb.operator.access.CredentialSinks;
import dev.tempdb.operator.access.TemporaryDbAccessReconciler;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.events.EventRecorder;
import dev.tempdb.operator.lifecycle.AccessLifecycle;
import dev.tempdb.operator.lifecycle.ApiRequests;
import dev.tempdb.operator.metrics.AccessMetrics;
import dev.tempdb.operator.runtime.DaemonThreads;
import dev.tempdb.operator.runtime.HealthState;
import dev.tempdb.operator.runtime.Leadership;
import dev.tempdb.operator.runtime.ManagementServer;
import dev.tempdb.operator.servers.DatabaseServerReconciler;
import dev.tempdb.operator.servers.ServerRegistry;
import dev.tempdb.operator.sweep.OrphanSweeper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Wires the operator together; {@link Main} and the end-to-end tests start it the same way: the
 * JOSDK operator (with leader election when enabled), the orphan sweep, metrics and the management
 * endpoints.
 */
public final class OperatorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorApp.class);

  private final KubernetesClient client;
  private final Operator operator;
  private final Leadership leadership;
  private final ServerRegistry registry;
  private final OrphanSweeper sweeper;
  private final ScheduledExecutorService scheduler;
  private final EventRecorder events;
  private final SecretsManagerClient secretsManager;
  private final PrometheusMeterRegistry meters;
  private final ManagementServer management;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OperatorApp(
      KubernetesClient client,
      Operator operator,
      Leadership leadership,
      ServerRegistry registry,
      OrphanSweeper sweeper,
      ScheduledExecutorService scheduler,
      EventRecorder events,
      SecretsManagerClient secretsManager,
      PrometheusMeterRegistry meters,
      ManagementServer management) {
    this.client = client;
    this.operator = operator;
    this.leadership = leadership;
    this.registry = registry;
    this.sweeper = sweeper;
    this.scheduler = scheduler;
    this.events = events;
    this.secretsManager = secretsManager;
    this.meters = meters;
    this.management = management;
  }

  /**
   * @param onLostLeadership see {@link #start(KubernetesClient, OperatorConfig, Clock, Supplier,
   *     Runnable)}
   */
  public static OperatorApp start(
      KubernetesClient client, OperatorConfig config, Clock clock, Runnable onLostLeadership) {
    // The SDK's default chain: IRSA, EKS pod identity, instance role, environment variables.
    return start(
        client,
        config,
        clock,
        () -> DefaultCredentialsProvider.builder().build(),
        onLostLeadership);
  }

  /**
   * @param awsCredentials where AWS credentials come from, used only when AWS delivery is enabled
   * @param onLostLeadership runs first when this replica loses the leader Lease: {@link Main} halts
   *     the process, so that no reconcile in flight goes on next to the new leader (every step is
   *     built to survive a crash) and Kubernetes restarts it as a fresh candidate; without it
   *     (tests), the operator is then stopped gracefully
   */
  public static OperatorApp start(
      KubernetesClient client,
      OperatorConfig config,
      Clock clock,
      Supplier<AwsCredentialsProvider> awsCredentials,
      Runnable onLostLeadership) {
    ServerRegistry registry = new ServerRegistry(client, clock);
    EventRecorder events = new EventRecorder(client, clock);
    SecretsManagerClient secretsManager =
        config.aws() == null
            ? null
            : SecretsManagerClients.create(config.aws(), awsCredentials.get());
    AwsSecretsManagerSink awsSink =
        secretsManager == null ? null : new AwsSecretsManagerSink(secretsManager, config.aws());
    CredentialSinks sinks = sinks(client, awsSink);
    PrometheusMeterRegistry meters = meters();
    AccessMetrics metrics = new AccessMetrics(meters);
    ApiRequests requestsInApi = new ApiRequests(client, config);

    AtomicReference<OperatorApp> self = new AtomicReference<>();
    Leadership leadership =
        new Leadership(
            config.leaderElection(),
            config.controlNamespace(),
            () -> {
              onLostLeadership.run(); // Main halts here: nothing in flight may go on
              OperatorApp app = self.get();
              if (app != null) {
                app.close();
              }
            });
    Gauge.builder("tempdb.leader", leadership, l -> l.isLeading() ? 1 : 0)
        .description("1 on the replica that reconciles; alert unless exactly one has it")
        .register(meters);

    Operator operator = operator(client, leadership, meters);
    operator.register(
        new DatabaseServerReconciler(registry, clock),
        c -> c.settingNamespaces(config.controlNamespace()));
    operator.register(
        new AccessTargetReconciler(config.watchNamespaces(), sinks.methods(), clock),
        c -> c.settingNamespaces(config.controlNamespace()));
    TemporaryDbAccessReconciler requests =
        new TemporaryDbAccessReconciler(
            config.controlNamespace(),
            resolver ->
                new AccessLifecycle(
                    config, resolver, registry, sinks, events, requestsInApi, requestsInApi, clock),
            metrics,
            clock);
    operator.register(requests, c -> requestControllerSettings(c, config));

    // Probes answer from the start: startup says "not yet" until the caches are synced.
    AtomicBoolean started = new AtomicBoolean();
    ManagementServer management =
        ManagementServer.start(
            config.managementPort(),
            meters,
            () -> metrics.recount(requests.cached()),
            () ->
                new HealthState(
                    started.get(),
                    leadership.hasLost(),
                    started.get() ? unhealthy(operator.getRuntimeInfo()) : Map.of()));
    try {
      operator.start();
    } catch (RuntimeException e) {
      management.close();
      throw e;
    }
    started.set(true);

    OrphanSweeper sweeper =
        new OrphanSweeper(client, registry, awsSink, config, metrics, requestsInApi, clock);
    ScheduledExecutorService scheduler = scheduleSweeps(sweeper, leadership, config);
    OperatorApp app =
        new OperatorApp(
            client,
            operator,
            leadership,
            registry,
            sweeper,
            scheduler,
            events,
            secretsManager,
            meters,
            management);
    self.set(app);
    return app;
  }

  /** A Kubernetes Secret always; AWS Secrets Manager when it is enabled. */
  private static CredentialSinks sinks(KubernetesClient client, AwsSecretsManagerSink awsSink) {
    List<CredentialSink> available = new ArrayList<>(List.of(new KubernetesSecretSink(client)));
    if (awsSink != null) {
      available.add(awsSink);
    }
    return new CredentialSinks(available);
  }

  private static PrometheusMeterRegistry meters() {
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

  private static Operator operator(
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

  private static void requestControllerSettings(
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

  private static ScheduledExecutorService scheduleSweeps(
      OrphanSweeper sweeper, Leadership leadership, OperatorConfig config) {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("tempdb-orphan-sweep"));
    long every = config.sweepInterval().toMillis();
    scheduler.scheduleWithFixedDelay(
        () -> {
          // Only the leader changes anything; a standby's sweep could race the leader's grants.
          if (leadership.isLeading()) {
            sweeper.sweepOnce();
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
    return scheduler;
  }

  private static Map<String, Set<String>> unhealthy(RuntimeInfo info) {
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

  public OrphanSweeper sweeper() {
    return sweeper;
  }

  /** Whether this replica reconciles (always, without leader election). */
  public boolean isLeading() {
    return leadership.isLeading();
  }

  /** The port of the metrics and health endpoints. */
  public int managementPort() {
    return management.port();
  }

  /**
   * Graceful stop: reconciles in flight finish (up to 30 s), the Lease is handed over, queued
   * events are written. Safe to call more than once.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    leadership.stopping();
    scheduler.shutdownNow();
    operator.stop();
    leadership.release(client);
    events.close();
    registry.close();
    if (secretsManager != null) {
      secretsManager.close();
    }
    management.close();
    meters.close();
    LOG.info("Stopped");
  }
}
