package dev.tempdb.operator;

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
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    PrometheusMeterRegistry meters = JosdkRuntime.meters();
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

    Operator operator = JosdkRuntime.operator(client, leadership, meters);
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
    operator.register(requests, c -> JosdkRuntime.requestControllerSettings(c, config));

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
                    started.get() ? JosdkRuntime.unhealthy(operator.getRuntimeInfo()) : Map.of()));
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
