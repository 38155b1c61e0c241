package dev.tempdb.operator;

import dev.tempdb.core.sink.KubernetesSecretSink;
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
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Wires the operator together; {@link Main} and the end-to-end tests start it the same way. */
public final class OperatorApp implements AutoCloseable {
  private final Operator operator;
  private final ServerRegistry registry;
  private final OrphanSweeper sweeper;
  private final ScheduledExecutorService scheduler;
  private final EventRecorder events;

  private OperatorApp(
      Operator operator,
      ServerRegistry registry,
      OrphanSweeper sweeper,
      ScheduledExecutorService scheduler,
      EventRecorder events) {
    this.operator = operator;
    this.registry = registry;
    this.sweeper = sweeper;
    this.scheduler = scheduler;
    this.events = events;
  }

  public static OperatorApp start(KubernetesClient client, OperatorConfig config, Clock clock) {
    ServerRegistry registry = new ServerRegistry(client, clock);
    EventRecorder events = new EventRecorder(client, clock);
    CredentialSinks sinks = new CredentialSinks(List.of(new KubernetesSecretSink(client)));

    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    // Status is patched with merge patches: the fabric8 mock server (tests,
                    // sandbox) does not implement server-side apply.
                    .withUseSSAToPatchPrimaryResource(false)
                    .withReconciliationTerminationTimeout(Duration.ofSeconds(30)));
    operator.register(
        new DatabaseServerReconciler(registry, clock),
        c -> c.settingNamespaces(config.controlNamespace()));
    operator.register(
        new AccessTargetReconciler(config.watchNamespaces(), clock),
        c -> c.settingNamespaces(config.controlNamespace()));
    operator.register(
        new TemporaryDbAccessReconciler(
            config.controlNamespace(),
            resolver -> new AccessLifecycle(config, resolver, registry, sinks, events, clock),
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

    OrphanSweeper sweeper = new OrphanSweeper(client, registry, config, clock);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tempdb-orphan-sweep");
              t.setDaemon(true);
              return t;
            });
    long every = config.sweepInterval().toMillis();
    scheduler.scheduleWithFixedDelay(sweeper::sweepOnce, every, every, TimeUnit.MILLISECONDS);
    return new OperatorApp(operator, registry, sweeper, scheduler, events);
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
  }
}
