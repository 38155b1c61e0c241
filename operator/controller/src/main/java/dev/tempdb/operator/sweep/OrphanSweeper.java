package dev.tempdb.operator.sweep;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.core.sweep.OrphanSweep;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.servers.ServerRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
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
  private final OperatorConfig config;
  private final Clock clock;

  public OrphanSweeper(
      KubernetesClient client, ServerRegistry registry, OperatorConfig config, Clock clock) {
    this.client = client;
    this.registry = registry;
    this.config = config;
    this.clock = clock;
  }

  /**
   * @return the users removed, by server name
   */
  public Map<String, List<String>> sweepOnce() {
    // Never throw: a scheduled task that throws is never run again.
    try {
      return sweepServers();
    } catch (RuntimeException e) {
      LOG.warn("Orphan sweep failed, will try again next interval: {}", e.getMessage());
      return Map.of();
    }
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
      if (phase == Phase.Expired || phase == Phase.Revoked) {
        continue;
      }
      if (tda.getStatus() != null && tda.getStatus().getUsername() != null) {
        live.add(tda.getStatus().getUsername());
      }
      live.add(
          Usernames.forGrant(
              prefix, tda.getSpec().getRequester(), tda.getMetadata().getUid(), maxLength));
    }
    return live;
  }

  private List<TemporaryDbAccess> requests() {
    if (config.watchNamespaces().isEmpty()) {
      return client.resources(TemporaryDbAccess.class).inAnyNamespace().list().getItems();
    }
    List<TemporaryDbAccess> all = new ArrayList<>();
    for (String ns : config.watchNamespaces()) {
      all.addAll(client.resources(TemporaryDbAccess.class).inNamespace(ns).list().getItems());
    }
    return all;
  }
}
