package dev.tempdb.operator.metrics;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The operator's own metrics, next to JOSDK's reconcile metrics. Labels are bounded by what admins
 * define (targets, servers), never by requests or requesters.
 *
 * <p>Everything is derived from a request's status before and after a reconcile pass, so the
 * lifecycle code does not need to know about metrics.
 */
public final class AccessMetrics {
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(250),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5),
    Duration.ofMinutes(15)
  };

  private final MeterRegistry registry;
  private final MultiGauge active;
  private final MultiGauge revoking;

  public AccessMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.active =
        MultiGauge.builder("tempdb.grants.active")
            .description("Requests whose access is Active now, per target")
            .register(registry);
    this.revoking =
        MultiGauge.builder("tempdb.grants.revoking")
            .description(
                "Requests whose lease is over but whose revocation has not succeeded yet, per"
                    + " target; anything above zero for long needs a human")
            .register(registry);
  }

  /** One reconcile pass of {@code before} decided {@code after} at {@code now}. */
  public void observe(TemporaryDbAccess before, TemporaryDbAccessStatus after, Instant now) {
    if (after == null) {
      return;
    }
    Phase was = phase(before);
    String target = before.getSpec().getTarget();
    if (after.getPhase() == Phase.Active && was != Phase.Active) {
      Instant created = Instant.parse(before.getMetadata().getCreationTimestamp());
      timer(
              "tempdb.grant.latency",
              "From the request's creation until its access was Active",
              Tags.of(
                  "target",
                  target,
                  "strategy",
                  after.getStrategy() == Strategy.RoleGrant ? "RoleGrant" : "TemporaryUser"))
          .record(nonNegative(Duration.between(created, now)));
    } else if (after.getPhase() == Phase.Revoking) {
      revocationFailed(before);
    } else if (after.getPhase() != null
        && after.getPhase().isEnded()
        && mayHaveAccess(was, before)) {
      revoked(before, now);
    }
  }

  /** A deletion finished (the finalizer goes) for a request that may have held access. */
  public void deletionFinished(TemporaryDbAccess before, Instant now) {
    if (mayHaveAccess(phase(before), before)) {
      revoked(before, now);
    }
  }

  /** An attempt to revoke failed (it is retried). */
  public void revocationFailed(TemporaryDbAccess access) {
    Counter.builder("tempdb.revocation.failures")
        .description("Failed revocation attempts (each is retried), per target")
        .tags("target", access.getSpec().getTarget())
        .register(registry)
        .increment();
  }

  /** An admin abandoned a failing revocation: the request went, its database user stayed. */
  public void revocationAbandoned(TemporaryDbAccess access) {
    String target = grantedTarget(access);
    Counter.builder("tempdb.revocations.abandoned")
        .description(
            "Deletions let go without revoking, as an admin's annotation asked, per target")
        .tags("target", target == null ? "unknown" : target)
        .register(registry)
        .increment();
  }

  /** The orphan sweep removed {@code count} things of {@code kind} (user, awsSecret). */
  public void swept(String server, String kind, int count) {
    if (count > 0) {
      Counter.builder("tempdb.sweep.removals")
          .description("Database users and AWS secrets the orphan sweep removed")
          .tags("server", server, "kind", kind)
          .register(registry)
          .increment(count);
    }
  }

  /** Recounts the gauges from the requests the operator has cached (before each scrape). */
  public void recount(Stream<TemporaryDbAccess> requests) {
    Map<String, Integer> activeByTarget = new TreeMap<>();
    Map<String, Integer> revokingByTarget = new TreeMap<>();
    requests.forEach(
        r -> {
          // Only requests that were granted: their target was checked and exists. Anything else
          // may have no spec or any name at all (hostile input), which must neither break the
          // scrape nor add series.
          String target = grantedTarget(r);
          if (target == null) {
            return;
          }
          activeByTarget.merge(target, phase(r) == Phase.Active ? 1 : 0, Integer::sum);
          revokingByTarget.merge(target, phase(r) == Phase.Revoking ? 1 : 0, Integer::sum);
        });
    active.register(rows(activeByTarget), true);
    revoking.register(rows(revokingByTarget), true);
  }

  /** The target a request was granted for; null when it never was. */
  private static String grantedTarget(TemporaryDbAccess r) {
    TemporaryDbAccessStatus status = r.getStatus();
    if (status == null) {
      return null;
    }
    if (status.getGrantedFor() != null) {
      return status.getGrantedFor().getTarget();
    }
    // Granted before grantedFor was recorded: the spec's target was checked then.
    boolean granted = status.getPhase() == Phase.Active || status.getPhase() == Phase.Revoking;
    return granted && r.getSpec() != null ? r.getSpec().getTarget() : null;
  }

  private void revoked(TemporaryDbAccess before, Instant now) {
    // How long access outlived the moment it should have ended: the expiry, or the deletion.
    boolean deleted = before.getMetadata().getDeletionTimestamp() != null;
    Instant due =
        deleted
            ? Instant.parse(before.getMetadata().getDeletionTimestamp())
            : before.getStatus() == null || before.getStatus().getExpiresAt() == null
                ? now
                : Instant.parse(before.getStatus().getExpiresAt());
    timer(
            "tempdb.revocation.latency",
            "From the lease's end (expiry or deletion) until access was revoked",
            Tags.of(
                "target", before.getSpec().getTarget(), "reason", deleted ? "deleted" : "expired"))
        .record(nonNegative(Duration.between(due, now)));
  }

  private Timer timer(String name, String description, Tags tags) {
    return Timer.builder(name)
        .description(description)
        .tags(tags)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  private static boolean mayHaveAccess(Phase was, TemporaryDbAccess before) {
    if (was != null && was.isEnded()) {
      return false;
    }
    return was == Phase.Active
        || was == Phase.Revoking
        || (before.getStatus() != null && before.getStatus().getRoles() != null);
  }

  private static List<MultiGauge.Row<?>> rows(Map<String, Integer> counts) {
    return counts.entrySet().stream()
        .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("target", e.getKey()), e.getValue()))
        .toList();
  }

  private static Phase phase(TemporaryDbAccess access) {
    return access.getStatus() == null ? null : access.getStatus().getPhase();
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
