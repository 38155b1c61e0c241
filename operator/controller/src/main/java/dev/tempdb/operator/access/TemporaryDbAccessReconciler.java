package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.operator.lifecycle.AccessLifecycle;
import dev.tempdb.operator.lifecycle.Step;
import dev.tempdb.operator.metrics.AccessMetrics;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.status.StatusPatches;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * JOSDK glue for {@link TemporaryDbAccess}: finds the request's target and server in informer
 * caches, hands the decision to {@link AccessLifecycle}, and turns its {@link Step} into a status
 * patch (only when something changed) and a reschedule at the next deadline.
 */
@ControllerConfiguration(name = "temporarydbaccess", finalizerName = "tempdb.dev/revoke-access")
public class TemporaryDbAccessReconciler
    implements Reconciler<TemporaryDbAccess>, Cleaner<TemporaryDbAccess> {
  private final String controlNamespace;
  private final Function<TargetResolver, AccessLifecycle> lifecycleFactory;
  private final AccessMetrics metrics;
  private final Clock clock;
  private volatile AccessLifecycle lifecycle;
  private volatile IndexedResourceCache<TemporaryDbAccess> cache;

  /**
   * @param lifecycleFactory builds the lifecycle once the informer caches it reads exist
   */
  public TemporaryDbAccessReconciler(
      String controlNamespace,
      Function<TargetResolver, AccessLifecycle> lifecycleFactory,
      AccessMetrics metrics,
      Clock clock) {
    this.controlNamespace = controlNamespace;
    this.lifecycleFactory = lifecycleFactory;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The requests this operator has cached (empty before it started). */
  public Stream<TemporaryDbAccess> cached() {
    IndexedResourceCache<TemporaryDbAccess> c = cache;
    return c == null ? Stream.empty() : c.list();
  }

  @Override
  public List<EventSource<?, TemporaryDbAccess>> prepareEventSources(
      EventSourceContext<TemporaryDbAccess> context) {
    cache = context.getPrimaryCache();
    // A target change (e.g. it became Ready) wakes the requests that are waiting for it.
    var targets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(AccessTarget.class, TemporaryDbAccess.class)
                .withNamespaces(controlNamespace)
                // Not every activeGrants update: with N requests on a target, each grant would
                // wake all N of them.
                .withOnUpdateFilter(
                    (now, before) ->
                        !Objects.equals(
                                now.getMetadata().getGeneration(),
                                before.getMetadata().getGeneration())
                            || ready(now) != ready(before))
                .withSecondaryToPrimaryMapper(
                    target ->
                        context
                            .getPrimaryCache()
                            .list(
                                tda ->
                                    target.getMetadata().getName().equals(tda.getSpec().getTarget())
                                        && !isEnded(tda))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    // Servers are only read from the cache; their changes reach requests through their targets.
    var servers =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(DatabaseServer.class, TemporaryDbAccess.class)
                .withNamespaces(controlNamespace)
                .withSecondaryToPrimaryMapper(server -> Set.of())
                .build(),
            context);
    // Grant SQL is read on every grant: from a cache, not with an API call each time.
    var configMaps =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, TemporaryDbAccess.class)
                .withNamespaces(controlNamespace)
                .withSecondaryToPrimaryMapper(cm -> Set.of())
                .build(),
            context);
    lifecycle =
        lifecycleFactory.apply(
            new TargetResolver(
                new CachedControlNamespace(controlNamespace, targets, servers, configMaps)));
    return List.of(targets, servers, configMaps);
  }

  @Override
  public UpdateControl<TemporaryDbAccess> reconcile(
      TemporaryDbAccess access, Context<TemporaryDbAccess> context) {
    Step step = lifecycle.reconcile(access);
    metrics.observe(access, step.status(), Instant.now(clock));
    if (step.done()) {
      context.getClient().resource(access).delete();
      return UpdateControl.noUpdate();
    }
    UpdateControl<TemporaryDbAccess> control =
        StatusPatches.changed(access.getStatus(), step.status())
            ? UpdateControl.patchStatus(withStatus(access, step.status()))
            : UpdateControl.noUpdate();
    if (step.recheckIn() != null) {
      control.rescheduleAfter(step.recheckIn().toMillis());
    }
    return control;
  }

  @Override
  public DeleteControl cleanup(TemporaryDbAccess access, Context<TemporaryDbAccess> context) {
    Step step = lifecycle.cleanup(access);
    if (step.revocationAbandoned()) {
      metrics.revocationAbandoned(access);
      return DeleteControl.defaultDelete();
    }
    if (step.done()) {
      metrics.deletionFinished(access, Instant.now(clock));
      return DeleteControl.defaultDelete();
    }
    metrics.observe(access, step.status(), Instant.now(clock));
    if (StatusPatches.changed(access.getStatus(), step.status())) {
      context.getClient().resource(withStatus(access, step.status())).patchStatus();
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(step.recheckIn().toMillis());
  }

  /**
   * After a failed attempt (JOSDK retries with backoff), record what the lifecycle says about it:
   * the status the failure carries, or why a grant or revocation is being retried.
   */
  @Override
  public ErrorStatusUpdateControl<TemporaryDbAccess> updateErrorStatus(
      TemporaryDbAccess access, Context<TemporaryDbAccess> context, Exception thrown) {
    Optional<TemporaryDbAccessStatus> status = lifecycle.afterFailure(access, unwrap(thrown));
    if (status.isPresent() && status.get().getPhase() == Phase.Revoking) {
      metrics.revocationFailed(access); // every failed attempt counts, not only the first
    }
    if (status.isEmpty() || !StatusPatches.changed(access.getStatus(), status.get())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    return ErrorStatusUpdateControl.patchStatus(withStatus(access, status.get()));
  }

  /**
   * What the reconcile threw: JOSDK's metrics wrap it in OperatorException (whose message is the
   * cause's class and message), which would hide its type and garble the status message.
   */
  static Exception unwrap(Exception e) {
    Exception cause = e;
    while (cause instanceof OperatorException && cause.getCause() instanceof Exception inner) {
      cause = inner;
    }
    return cause;
  }

  private static boolean ready(AccessTarget target) {
    return target.getStatus() != null
        && Conditions.isTrue(target.getStatus().getConditions(), Conditions.READY);
  }

  private static boolean isEnded(TemporaryDbAccess tda) {
    return tda.getStatus() != null
        && tda.getStatus().getPhase() != null
        && tda.getStatus().getPhase().isEnded();
  }

  /** The control namespace as the informers of this controller cache it. */
  private record CachedControlNamespace(
      String name,
      InformerEventSource<AccessTarget, TemporaryDbAccess> targets,
      InformerEventSource<DatabaseServer, TemporaryDbAccess> servers,
      InformerEventSource<ConfigMap, TemporaryDbAccess> configMaps)
      implements ControlNamespace {
    @Override
    public Optional<AccessTarget> target(String target) {
      return targets.get(new ResourceID(target, name));
    }

    @Override
    public Optional<DatabaseServer> server(String server) {
      return servers.get(new ResourceID(server, name));
    }

    @Override
    public Optional<ConfigMap> configMap(String configMap) {
      return configMaps.get(new ResourceID(configMap, name));
    }
  }

  private static TemporaryDbAccess withStatus(
      TemporaryDbAccess access, TemporaryDbAccessStatus status) {
    access.setStatus(status);
    return access;
  }
}
