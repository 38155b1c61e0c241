package dev.tempdb.operator.servers;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DatabaseServerStatus;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.Jdbc;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.status.StatusPatches;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks that the operator can log in to a DatabaseServer with its admin Secret, and reports Ready
 * and the server version. Reopens the connection pool when the spec or the Secret changes (a
 * rotated admin password takes effect without a restart).
 */
@ControllerConfiguration(name = "databaseserver")
public class DatabaseServerReconciler implements Reconciler<DatabaseServer> {
  static final Duration HEALTHY_RECHECK = Duration.ofMinutes(5);
  static final Duration UNHEALTHY_RECHECK = Duration.ofSeconds(30);

  private final ServerRegistry registry;
  private final Clock clock;

  public DatabaseServerReconciler(ServerRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, DatabaseServer>> prepareEventSources(
      EventSourceContext<DatabaseServer> context) {
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, DatabaseServer.class)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(
                    secret ->
                        context
                            .getPrimaryCache()
                            .list(
                                s ->
                                    s.getMetadata()
                                            .getNamespace()
                                            .equals(secret.getMetadata().getNamespace())
                                        && secret
                                            .getMetadata()
                                            .getName()
                                            .equals(
                                                s.getSpec().getAdminCredentials().getSecretName()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context));
  }

  @Override
  public UpdateControl<DatabaseServer> reconcile(
      DatabaseServer server, Context<DatabaseServer> context) {
    DatabaseServerStatus next = new DatabaseServerStatus();
    next.setObservedGeneration(server.getMetadata().getGeneration());
    Duration recheck = UNHEALTHY_RECHECK;
    Conditions.Desired ready;
    try {
      String version = registry.refresh(server).serverVersion();
      next.setServerVersion(version);
      ready =
          Conditions.of(
              Conditions.READY,
              true,
              Reasons.CONNECTED,
              "Logged in as the admin user; server version " + version);
      recheck = HEALTHY_RECHECK;
    } catch (ServerConfigException e) {
      ready = Conditions.of(Conditions.READY, false, e.reason(), e.getMessage());
    } catch (InvalidRequestException e) {
      ready = Conditions.of(Conditions.READY, false, Reasons.INVALID_SPEC, e.getMessage());
    } catch (EngineException e) {
      ready =
          Conditions.of(
              Conditions.READY, false, Reasons.CONNECTION_FAILED, connectionFailure(server, e));
    }
    DatabaseServerStatus stored = server.getStatus();
    next.setConditions(
        Conditions.merge(
            stored == null ? null : stored.getConditions(),
            List.of(ready),
            server.getMetadata().getGeneration(),
            clock.instant()));
    if (!ready.status() && stored != null) {
      next.setServerVersion(stored.getServerVersion());
    }
    UpdateControl<DatabaseServer> control;
    if (StatusPatches.changed(stored, next)) {
      server.setStatus(next);
      control = UpdateControl.patchStatus(server);
    } else {
      control = UpdateControl.noUpdate();
    }
    if (Reasons.INVALID_SPEC.equals(ready.reason())) {
      // Only an edit of the spec helps, and that starts a reconcile of its own.
      return control;
    }
    return control.rescheduleAfter(recheck.toMillis());
  }

  /**
   * What keeps the operator from connecting. The pool's timeout text counts milliseconds and
   * connections, which differ on every attempt (and so would rewrite the status each time), and
   * hides what went wrong; the driver's failure under it says that (an unknown host, a refused
   * port, a TLS or login failure) and stays the same.
   */
  static String connectionFailure(DatabaseServer server, EngineException e) {
    if (!(e.getCause() instanceof SQLTransientConnectionException timeout)
        || timeout.getCause() == null) {
      return e.getMessage();
    }
    return "could not connect to spec.host "
        + server.getSpec().getHost()
        + " port "
        + ServerRegistry.port(server.getSpec())
        + ": "
        + Jdbc.describe(timeout);
  }
}
