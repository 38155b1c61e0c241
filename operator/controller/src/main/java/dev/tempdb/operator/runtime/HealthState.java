package dev.tempdb.operator.runtime;

import java.util.Map;
import java.util.Set;

/**
 * What the probes answer from: the operator's runtime state at one moment.
 *
 * @param started the operator started: settings valid, controllers registered, caches synced
 * @param lostLeadership this replica lost the leader Lease and is stopping
 * @param unhealthyEventSources per controller, the event sources (informers) that are not healthy
 */
public record HealthState(
    boolean started, boolean lostLeadership, Map<String, Set<String>> unhealthyEventSources) {

  /** The process is up: once started, it stays so (a stuck start is the startup probe's job). */
  public boolean startupOk() {
    return started;
  }

  /** Restart the process if it lost the Lease (it stopped working and must rejoin the election). */
  public boolean liveOk() {
    return !lostLeadership;
  }

  /** Serving: started, not stopping, and every informer is watching. */
  public boolean readyOk() {
    return started && !lostLeadership && unhealthyEventSources.isEmpty();
  }
}
