package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.AccessTargetSpec;
import dev.tempdb.api.v1alpha1.AccessTargetStatus;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.SqlSource;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.lease.LeasePolicy;
import dev.tempdb.core.rolegrant.DatabaseUsers;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.status.StatusPatches;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reports whether an AccessTarget can be granted: its server exists and is Ready, its SQL can be
 * read, its durations are consistent. Also counts its active grants. Wakes up when its server, a
 * ConfigMap in the control namespace or one of its requests changes phase.
 */
@ControllerConfiguration(name = "accesstarget")
public class AccessTargetReconciler implements Reconciler<AccessTarget> {
  private static final Duration RECHECK = Duration.ofMinutes(2);

  private final Set<String> watchNamespaces;
  private final Set<DeliveryMethod> deliveries;
  private final Clock clock;
  // Read directly: JOSDK's secondary index only knows pairs seen when the secondary last changed.
  private InformerEventSource<DatabaseServer, AccessTarget> servers;
  private InformerEventSource<ConfigMap, AccessTarget> configMaps;
  private InformerEventSource<TemporaryDbAccess, AccessTarget> requests;

  /**
   * @param watchNamespaces namespaces of requests to count; empty means all
   * @param deliveries the delivery methods this operator can serve
   */
  public AccessTargetReconciler(
      Set<String> watchNamespaces, Set<DeliveryMethod> deliveries, Clock clock) {
    this.watchNamespaces = watchNamespaces;
    this.deliveries = deliveries;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, AccessTarget>> prepareEventSources(
      EventSourceContext<AccessTarget> context) {
    servers =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(DatabaseServer.class, AccessTarget.class)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(
                    server ->
                        context
                            .getPrimaryCache()
                            .list(
                                t ->
                                    t.getMetadata()
                                            .getNamespace()
                                            .equals(server.getMetadata().getNamespace())
                                        && server
                                            .getMetadata()
                                            .getName()
                                            .equals(t.getSpec().getServer()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    configMaps =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, AccessTarget.class)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(
                    cm ->
                        context
                            .getPrimaryCache()
                            .list(t -> usesConfigMap(t, cm.getMetadata().getName()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    var requestsConfig =
        InformerEventSourceConfiguration.from(TemporaryDbAccess.class, AccessTarget.class)
            .withOnUpdateFilter((now, before) -> phase(now) != phase(before))
            .withSecondaryToPrimaryMapper(
                tda ->
                    context
                        .getPrimaryCache()
                        .list(t -> t.getMetadata().getName().equals(tda.getSpec().getTarget()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()));
    if (watchNamespaces.isEmpty()) {
      requestsConfig.withWatchAllNamespaces();
    } else {
      requestsConfig.withNamespaces(watchNamespaces);
    }
    requests = new InformerEventSource<>(requestsConfig.build(), context);
    return List.of(servers, configMaps, requests);
  }

  @Override
  public UpdateControl<AccessTarget> reconcile(AccessTarget target, Context<AccessTarget> context) {
    String namespace = target.getMetadata().getNamespace();
    Conditions.Desired ready = check(target, namespace);
    AccessTargetStatus next = new AccessTargetStatus();
    next.setObservedGeneration(target.getMetadata().getGeneration());
    String name = target.getMetadata().getName();
    next.setActiveGrants(
        (int)
            requests
                .list(t -> name.equals(t.getSpec().getTarget()) && phase(t) == Phase.Active)
                .count());
    AccessTargetStatus stored = target.getStatus();
    next.setConditions(
        Conditions.merge(
            stored == null ? null : stored.getConditions(),
            List.of(ready),
            target.getMetadata().getGeneration(),
            clock.instant()));
    UpdateControl<AccessTarget> control;
    if (StatusPatches.changed(stored, next)) {
      target.setStatus(next);
      control = UpdateControl.patchStatus(target);
    } else {
      control = UpdateControl.noUpdate();
    }
    return control.rescheduleAfter(RECHECK.toMillis());
  }

  private Conditions.Desired check(AccessTarget target, String namespace) {
    var spec = target.getSpec();
    try {
      new LeasePolicy(spec.getDefaultTtl(), spec.getMaxTtl());
    } catch (InvalidRequestException e) {
      return Conditions.of(Conditions.READY, false, Reasons.INVALID_SPEC, e.getMessage());
    }
    // The CRD's CEL rules say the same; checked here too for API servers that do not run them.
    String strategyProblem = TargetRules.problem(spec);
    if (strategyProblem != null) {
      return Conditions.of(Conditions.READY, false, Reasons.INVALID_SPEC, strategyProblem);
    }
    if (spec.getDelivery() != null) {
      for (DeliveryMethod method : spec.getDelivery()) {
        if (!deliveries.contains(method)) {
          return Conditions.of(
              Conditions.READY,
              false,
              Reasons.DELIVERY_NOT_CONFIGURED,
              "spec.delivery: " + CredentialSinks.notConfigured(method));
        }
      }
    }
    DatabaseServer server = servers.get(new ResourceID(spec.getServer(), namespace)).orElse(null);
    if (server == null) {
      return Conditions.of(
          Conditions.READY,
          false,
          Reasons.SERVER_NOT_FOUND,
          "spec.server: DatabaseServer "
              + spec.getServer()
              + " not found in namespace "
              + namespace
              + "; create it or fix spec.server");
    }
    if (server.getStatus() == null
        || !Conditions.isTrue(server.getStatus().getConditions(), Conditions.READY)) {
      return Conditions.of(
          Conditions.READY,
          false,
          Reasons.SERVER_NOT_READY,
          "DatabaseServer " + spec.getServer() + " is not Ready");
    }
    for (SqlCheck sql :
        List.of(
            new SqlCheck(spec.getGrant(), "spec.grant"),
            new SqlCheck(spec.getRevoke(), "spec.revoke"))) {
      Conditions.Desired problem = sqlProblem(sql, namespace);
      if (problem != null) {
        return problem;
      }
    }
    Conditions.Desired userMap = checkUserMap(spec, namespace);
    if (userMap != null) {
      return userMap;
    }
    return Conditions.of(
        Conditions.READY, true, Reasons.READY, "Server " + spec.getServer() + " is Ready");
  }

  private Conditions.Desired checkUserMap(AccessTargetSpec spec, String namespace) {
    if (spec.getUserMapping() == null || spec.getUserMapping().getMapRef() == null) {
      return null;
    }
    var ref = spec.getUserMapping().getMapRef();
    String yaml =
        ConfigMapKeys.value(configMaps.get(new ResourceID(ref.getName(), namespace)), ref)
            .orElse(null);
    if (yaml == null) {
      return Conditions.of(
          Conditions.READY,
          false,
          Reasons.USER_MAP_NOT_FOUND,
          ConfigMapKeys.notFound(ref, "spec.userMapping.mapRef", namespace));
    }
    try {
      DatabaseUsers.parseMap(yaml, ref + " (spec.userMapping.mapRef)");
      return null;
    } catch (IllegalArgumentException e) {
      return Conditions.of(Conditions.READY, false, Reasons.INVALID_SPEC, e.getMessage());
    }
  }

  private record SqlCheck(SqlSource source, String field) {}

  /** Why the SQL a field names cannot be read, or null when it can (or the field is unset). */
  private Conditions.Desired sqlProblem(SqlCheck sql, String namespace) {
    if (sql.source() == null || sql.source().getInline() != null) {
      return null;
    }
    var ref = sql.source().getConfigMapKeyRef();
    if (ref == null) {
      return Conditions.of(
          Conditions.READY, false, Reasons.INVALID_SPEC, TargetResolver.noSqlSource(sql.field()));
    }
    if (ConfigMapKeys.value(configMaps.get(new ResourceID(ref.getName(), namespace)), ref)
        .isEmpty()) {
      return Conditions.of(
          Conditions.READY,
          false,
          Reasons.SQL_NOT_FOUND,
          ConfigMapKeys.notFound(ref, sql.field() + ".configMapKeyRef", namespace));
    }
    return null;
  }

  private static boolean usesConfigMap(AccessTarget target, String name) {
    var mapping = target.getSpec().getUserMapping();
    if (mapping != null
        && mapping.getMapRef() != null
        && name.equals(mapping.getMapRef().getName())) {
      return true;
    }
    return List.of(
            Objects.requireNonNullElse(target.getSpec().getGrant(), new SqlSource()),
            Objects.requireNonNullElse(target.getSpec().getRevoke(), new SqlSource()))
        .stream()
        .anyMatch(
            s -> s.getConfigMapKeyRef() != null && name.equals(s.getConfigMapKeyRef().getName()));
  }

  private static Phase phase(TemporaryDbAccess tda) {
    return tda.getStatus() == null ? null : tda.getStatus().getPhase();
  }
}
