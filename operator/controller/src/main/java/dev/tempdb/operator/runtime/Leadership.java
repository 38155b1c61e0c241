package dev.tempdb.operator.runtime;

import dev.tempdb.operator.config.LeaderElectionSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this replica is the one that works. With leader election on, JOSDK starts reconciling
 * when this replica acquires the Lease; this class adds what JOSDK leaves to us: the orphan sweep
 * runs only on the leader, a leader that loses the Lease stops at once (JOSDK would otherwise keep
 * reconciling next to the new leader, or call System.exit from its own thread), and a replica that
 * shuts down hands the Lease over instead of making the standby wait for it to lapse.
 */
public final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final LeaderElectionSettings settings;
  private final String namespace;
  private final Runnable onLost;
  private volatile boolean leading;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean lost = new AtomicBoolean();

  /**
   * @param onLost runs (on its own thread) when this replica stops leading while not shutting down:
   *     it must stop all work
   */
  public Leadership(LeaderElectionSettings settings, String namespace, Runnable onLost) {
    this.settings = settings;
    this.namespace = namespace;
    this.onLost = onLost;
  }

  public boolean electionEnabled() {
    return settings.enabled();
  }

  /** Whether this replica may change anything now. */
  public boolean isLeading() {
    return !settings.enabled() || (leading && !lost.get());
  }

  /** Whether this replica lost the Lease while running (it is stopping and must be restarted). */
  public boolean hasLost() {
    return lost.get();
  }

  /** JOSDK's leader election, with our callbacks, for the Lease in the control namespace. */
  public LeaderElectionConfiguration josdkConfiguration() {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(settings.leaseName())
        .withLeaseNamespace(namespace)
        .withIdentity(settings.identity())
        .withLeaseDuration(settings.leaseDuration())
        .withRenewDeadline(settings.renewDeadline())
        .withRetryPeriod(settings.retryPeriod())
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(
            new LeaderCallbacks(
                this::started, this::stopped, leader -> LOG.info("Leader is now {}", leader)))
        .build();
  }

  /** From here on, losing the Lease is part of shutting down, not a failure. */
  public void stopping() {
    stopping.set(true);
  }

  /**
   * Hands the Lease over if this replica holds it, so a standby takes over within its retry period
   * instead of after the lease duration. Call only after reconciling has stopped.
   */
  public void release(KubernetesClient client) {
    if (!settings.enabled()) {
      return;
    }
    try {
      var leases = client.leases().inNamespace(namespace).withName(settings.leaseName());
      var lease = leases.get();
      if (lease == null
          || lease.getSpec() == null
          || !settings.identity().equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      // An empty holder is free to take (what client-go's ReleaseOnCancel writes too). The
      // resourceVersion makes this fail rather than clear a lease someone else took meanwhile.
      lease.getSpec().setHolderIdentity("");
      lease.getSpec().setLeaseDurationSeconds(1);
      client.leases().inNamespace(namespace).resource(lease).update();
      LOG.info("Released the leader lease {}", settings.leaseName());
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Could not release the leader lease {}; a standby takes over once it lapses: {}",
          settings.leaseName(),
          e.getMessage());
    }
  }

  private void started() {
    leading = true;
    LOG.info("{} is the leader: reconciling", settings.identity());
  }

  private void stopped() {
    boolean wasLeading = leading;
    leading = false;
    if (stopping.get() || !wasLeading) {
      return;
    }
    lost.set(true);
    LOG.error(
        "{} lost the leader lease {}; stopping all work so two replicas never act at once",
        settings.identity(),
        settings.leaseName());
    Thread stopper = new Thread(onLost, "tempdb-lost-leadership");
    stopper.start();
  }
}
