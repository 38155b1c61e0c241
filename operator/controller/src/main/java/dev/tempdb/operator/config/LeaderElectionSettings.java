package dev.tempdb.operator.config;

import java.time.Duration;

/**
 * Leader election through a Kubernetes Lease in the control namespace: of all replicas, only the
 * holder reconciles and sweeps; the others keep warm caches and take over when the lease lapses.
 *
 * @param enabled off only for a single process that is sure to be alone (sandbox, local runs)
 * @param leaseName the Lease's name
 * @param identity this replica's name in the Lease (the pod name in a cluster)
 * @param leaseDuration how long a lease that is not renewed stays held; a standby takes over at
 *     most this long after the holder died
 * @param renewDeadline how long the holder keeps trying to renew before it stops leading
 * @param retryPeriod how often candidates try to acquire and the holder renews
 */
public record LeaderElectionSettings(
    boolean enabled,
    String leaseName,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {}
