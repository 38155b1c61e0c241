package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.sink.CredentialSink;
import dev.tempdb.core.sink.KubernetesSecretSink;
import dev.tempdb.core.sink.aws.AwsSecretsManagerSink;
import dev.tempdb.core.sink.aws.SecretsManagerClients;
import dev.tempdb.operator.access.AccessLifecycle;
import dev.tempdb.operator.access.AccessTargetReconciler;
import dev.tempdb.operator.access.CredentialSinks;
import dev.tempdb.operator.access.TemporaryDbAccessReconciler;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.events.EventRecorder;
import dev.tempdb.operator.servers.DatabaseServerReconciler;
import dev.tempdb.operator.servers.ServerRegistry;
import dev.tempdb.operator.sweep.OrphanSweeper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Wires the operator together; {@link Main} and the end-to-end tests start it the same way. */
public final class OperatorApp implements AutoCloseable {
  private final Operator operator;
  private final ServerRegistry registry;
  private final OrphanSweeper sweeper;
  private final ScheduledExecutorService scheduler;
  private final EventRecorder events;
  private final SecretsManagerClient secretsManager;

  private OperatorApp(
      Operator operator,
      ServerRegistry registry,
      OrphanSweeper sweeper,
      ScheduledExecutorService scheduler,
      EventRecorder events,
      SecretsManagerClient secretsManager) {
    this.operator = operator;
    this.registry = registry;
    this.sweeper = sweeper;
    this.scheduler = scheduler;
    this.events = events;
    this.secretsManager = secretsManager;
  }

  public static OperatorApp start(KubernetesClient client, OperatorConfig config, Clock clock) {
    // The SDK's default chain: IRSA, EKS pod identity, instance role, environment variables.
    return start(client, config, clock, () -> DefaultCredentialsProvider.builder().build());
  }

  /**
   * @param awsCredentials where AWS credentials come from, used only when AWS delivery is enabled
   */
  public static OperatorApp start(
      KubernetesClient client,
      OperatorConfig config,
      Clock clock,
      Supplier<AwsCredentialsProvider> awsCredentials) {
    ServerRegistry registry = new ServerRegistry(client, clock);
    EventRecorder events = new EventRecorder(client, clock);
    List<CredentialSink> available = new ArrayList<>(List.of(new KubernetesSecretSink(client)));
    SecretsManagerClient secretsManager = null;
    AwsSecretsManagerSink awsSink = null;
    if (config.aws() != null) {
      secretsManager = SecretsManagerClients.create(config.aws(), awsCredentials.get());
      awsSink = new AwsSecretsManagerSink(secretsManager, config.aws());
      available.add(awsSink);
    }
    CredentialSinks sinks = new CredentialSinks(available);

    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    // Status is patched with merge patches: the fabric8 mock server (tests,
                    // sandbox) does not implement server-side apply.
                    .withUseSSAToPatchPrimaryResource(false)
                    // Resource versions are comparable (etcd revisions): an event older than a
                    // status we just wrote must not replace it in the cache.
                    .withParseResourceVersions(true)
                    .withReconciliationTerminationTimeout(Duration.ofSeconds(30)));
    operator.register(
        new DatabaseServerReconciler(registry, clock),
        c -> c.settingNamespaces(config.controlNamespace()));
    operator.register(
        new AccessTargetReconciler(config.watchNamespaces(), sinks.methods(), clock),
        c -> c.settingNamespaces(config.controlNamespace()));
    operator.register(
        new TemporaryDbAccessReconciler(
            config.controlNamespace(),
            resolver ->
                new AccessLifecycle(
                    config,
                    resolver,
                    registry,
                    sinks,
                    events,
                    access -> Optional.ofNullable(client.resource(access).get()),
                    () -> servedRequests(client, config),
                    clock),
            clock),
        c -> {
          // Revocation must never give up: retry without limit, backing off to once a minute,
          // and look at every request at least every 10 minutes whatever happens.
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
        });
    operator.start();

    OrphanSweeper sweeper = new OrphanSweeper(client, registry, awsSink, config, clock);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tempdb-orphan-sweep");
              t.setDaemon(true);
              return t;
            });
    long every = config.sweepInterval().toMillis();
    scheduler.scheduleWithFixedDelay(sweeper::sweepOnce, every, every, TimeUnit.MILLISECONDS);
    return new OperatorApp(operator, registry, sweeper, scheduler, events, secretsManager);
  }

  /** Every request this operator serves, read from the API (not a cache). */
  private static List<TemporaryDbAccess> servedRequests(
      KubernetesClient client, OperatorConfig config) {
    var resources = client.resources(TemporaryDbAccess.class);
    if (config.watchNamespaces().isEmpty()) {
      return resources.inAnyNamespace().list().getItems();
    }
    List<TemporaryDbAccess> all = new ArrayList<>();
    for (String namespace : config.watchNamespaces()) {
      all.addAll(resources.inNamespace(namespace).list().getItems());
    }
    return all;
  }

  public OrphanSweeper sweeper() {
    return sweeper;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    operator.stop();
    events.close();
    registry.close();
    if (secretsManager != null) {
      secretsManager.close();
    }
  }
}
