package dev.tempdb.operator.sweep;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Requesters;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.core.sink.aws.AwsSecretsManagerSink;
import dev.tempdb.core.sweep.OrphanSweep;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.lifecycle.ServedRequests;
import dev.tempdb.operator.metrics.AccessMetrics;
import dev.tempdb.operator.servers.ServerRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodically removes managed database users that no live TemporaryDbAccess accounts for. Per
 * server it lists the database's users first and the requests second, so a user created by a grant
 * in flight always has its request in the second list.
 */
public final class OrphanSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweeper.class);

  private final KubernetesClient client;
  private final ServerRegistry registry;
  private final AwsSecretsManagerSink awsSecrets;
  private final OperatorConfig config;
  private final AccessMetrics metrics;
  private final ServedRequests servedRequests;
  private final Clock clock;

  /**
   * @param awsSecrets the AWS sink whose secrets are swept too, or null when AWS delivery is off
   */
  public OrphanSweeper(
      KubernetesClient client,
      ServerRegistry registry,
      AwsSecretsManagerSink awsSecrets,
      OperatorConfig config,
      AccessMetrics metrics,
      ServedRequests servedRequests,
      Clock clock) {
    this.client = client;
    this.registry = registry;
    this.awsSecrets = awsSecrets;
    this.config = config;
    this.metrics = metrics;
    this.servedRequests = servedRequests;
    this.clock = clock;
  }

  /**
   * @return the users removed, by server name
   */
  public Map<String, List<String>> sweepOnce() {
    // Never throw: a scheduled task that throws is never run again.
    try {
      Map<String, List<String>> removed = sweepServers();
      removed.forEach((server, users) -> metrics.swept(server, "user", users.size()));
      metrics.swept("aws-secrets-manager", "awsSecret", sweepAwsSecrets().size());
      return removed;
    } catch (RuntimeException e) {
      LOG.warn("Orphan sweep failed, will try again next interval: {}", e.getMessage());
      return Map.of();
    }
  }

  /**
   * Deletes AWS secrets of this installation whose request no longer exists, e.g. one whose
   * finalizer was removed by hand (its Kubernetes Secret goes with it by owner reference; an AWS
   * secret has no owner). Secrets first, requests second, as for users.
   *
   * @return the names of the secrets deleted
   */
  public List<String> sweepAwsSecrets() {
    if (awsSecrets == null) {
      return List.of();
    }
    List<AwsSecretsManagerSink.Published> published = awsSecrets.listPublished();
    if (published.isEmpty()) {
      return List.of();
    }
    Set<String> liveUids = new HashSet<>();
    for (TemporaryDbAccess tda : requests()) {
      Phase phase = tda.getStatus() == null ? null : tda.getStatus().getPhase();
      if (phase == null || !phase.isEnded()) {
        liveUids.add(tda.getMetadata().getUid());
      }
    }
    Instant cutoff = clock.instant().minus(config.sweepGrace());
    List<String> removed = new ArrayList<>();
    for (AwsSecretsManagerSink.Published secret : published) {
      boolean watched =
          config.watchNamespaces().isEmpty()
              || (secret.namespace() != null
                  && config.watchNamespaces().contains(secret.namespace()));
      // No creation time: treat as young, never as old.
      boolean old = secret.createdAt() != null && secret.createdAt().isBefore(cutoff);
      if (watched && old && !liveUids.contains(secret.uid())) {
        try {
          awsSecrets.deleteOrphan(secret);
          removed.add(secret.name());
        } catch (RuntimeException e) {
          LOG.warn(
              "Orphan sweep could not delete AWS secret {}: {}", secret.name(), e.getMessage());
        }
      }
    }
    if (!removed.isEmpty()) {
      LOG.info("Orphan sweep deleted AWS secrets of requests that are gone: {}", removed);
    }
    return removed;
  }

  private Map<String, List<String>> sweepServers() {
    Map<String, List<String>> removed = new LinkedHashMap<>();
    List<DatabaseServer> servers =
        client
            .resources(DatabaseServer.class)
            .inNamespace(config.controlNamespace())
            .list()
            .getItems();
    registry.retainOnly(servers);
    for (DatabaseServer server : servers) {
      try {
        DatabaseEngine engine = registry.engineFor(server);
        String prefix = server.getSpec().getUserPrefix();
        List<ManagedUser> candidates = engine.listManagedUsers(prefix);
        if (candidates.isEmpty()) {
          continue;
        }
        Set<String> live = liveUsernames(prefix, engine.maxUsernameLength());
        removed.put(
            server.getMetadata().getName(),
            OrphanSweep.sweep(
                engine, candidates, live::contains, clock.instant(), config.sweepGrace()));
      } catch (RuntimeException e) {
        LOG.warn("Orphan sweep of {} failed: {}", server.getMetadata().getName(), e.getMessage());
      }
    }
    return removed;
  }

  private Set<String> liveUsernames(String prefix, int maxLength) {
    Set<String> live = new HashSet<>();
    for (TemporaryDbAccess tda : requests()) {
      Phase phase = tda.getStatus() == null ? null : tda.getStatus().getPhase();
      if (phase != null && phase.isEnded()) {
        continue;
      }
      if (tda.getStatus() != null && tda.getStatus().getUsername() != null) {
        live.add(tda.getStatus().getUsername());
      }
      String requester = tda.getSpec() == null ? null : tda.getSpec().getRequester();
      // A request refused for its requester never created a user, and has no name to compute.
      if (Requesters.problem(requester).isEmpty()) {
        live.add(Usernames.forGrant(prefix, requester, tda.getMetadata().getUid(), maxLength));
      }
    }
    return live;
  }

  private List<TemporaryDbAccess> requests() {
    return servedRequests.list();
  }
}
