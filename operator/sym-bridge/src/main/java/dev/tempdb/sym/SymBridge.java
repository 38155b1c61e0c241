package dev.tempdb.sym;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on Sym events: escalate creates the run's TemporaryDbAccess (or finds the one a repeated
 * escalate made) and waits for it to become Active; de-escalate deletes it and waits until the
 * operator has revoked it. A grant that fails or does not settle in time is deleted, so Sym's
 * "errored" never leaves access behind.
 *
 * <p>It only ever gets, creates and deletes one named resource: waiting polls {@code get} rather
 * than watching, so the bridge's role needs no list or watch on other people's grants.
 */
public final class SymBridge {
  private static final Logger LOG = LoggerFactory.getLogger(SymBridge.class);
  private static final Duration FIRST_POLL = Duration.ofMillis(25);
  private static final Duration MAX_POLL = Duration.ofMillis(500);

  private final KubernetesClient client;
  private final BridgeSettings settings;

  public SymBridge(KubernetesClient client, BridgeSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  public BridgeSettings settings() {
    return settings;
  }

  /**
   * Handles one event within the configured wait, or less.
   *
   * @param budget the most time the caller can give (e.g. a Lambda's remaining time)
   */
  public SymResponse handle(JsonNode payload, Duration budget) {
    Duration wait = budget.compareTo(settings.waitTimeout()) < 0 ? budget : settings.waitTimeout();
    Deadline deadline = new Deadline(wait);
    SymEvent event = null;
    try {
      event = SymEvents.parse(payload);
      SymResponse response =
          event.type() == SymEvent.Type.ESCALATE
              ? SymResponse.ok(escalate(event, deadline))
              : SymResponse.ok(deescalate(event, deadline));
      LOG.info("Sym {} for run {}: done", event.type(), event.runId());
      return response;
    } catch (SymRequestException e) {
      LOG.warn(
          "Sym {} for run {}: {}",
          event == null ? "event" : event.type(),
          event == null ? "(unparsed)" : event.runId(),
          e.getMessage());
      return SymResponse.failed(e);
    } catch (KubernetesClientException e) {
      LOG.warn("Sym event: the Kubernetes API call failed", e);
      return SymResponse.failed(unavailable(e));
    }
  }

  private Map<String, String> escalate(SymEvent event, Deadline deadline) {
    TemporaryDbAccess wanted = AccessRequests.toResource(event, settings);
    String name = wanted.getMetadata().getName();
    Resource<TemporaryDbAccess> resource = resource(name);

    TemporaryDbAccess existing = resource.get();
    if (existing != null && existing.getMetadata().getDeletionTimestamp() != null) {
      // An earlier attempt of this run is being cleaned up: start afresh once it is gone.
      if (!waitFor(resource, a -> a == null, deadline)) {
        throw timedOut(
            "An earlier attempt of this request ("
                + where(name)
                + ") is still being removed; try again in a minute.");
      }
      existing = null;
    }
    if (existing == null) {
      existing = create(resource, wanted);
    }
    if (!AccessRequests.isSameRequest(existing, wanted)) {
      throw new SymRequestException(
          SymRequestException.Kind.GRANT_REFUSED,
          "A different request already uses the name "
              + where(name)
              + ", so nothing was granted; ask the platform team to remove it.");
    }

    try {
      return awaitActive(resource, existing, deadline);
    } catch (RuntimeException e) {
      // Failed, too slow, or the API went away: Sym will call this errored and never send a
      // de-escalate, so no grant may outlive the answer.
      withdraw(resource, name);
      throw e;
    }
  }

  private Map<String, String> awaitActive(
      Resource<TemporaryDbAccess> resource, TemporaryDbAccess access, Deadline deadline) {
    String name = access.getMetadata().getName();
    String target = access.getSpec().getTarget();
    GrantProgress progress = GrantProgress.of(access);
    while (progress instanceof GrantProgress.Waiting && !deadline.passed()) {
      deadline.pause();
      TemporaryDbAccess current = resource.get();
      if (current == null) {
        throw new SymRequestException(
            SymRequestException.Kind.GRANT_REFUSED,
            "The grant " + where(name) + " was deleted before it became active; request again.");
      }
      progress = GrantProgress.of(current);
    }
    if (progress instanceof GrantProgress.Active active) {
      return active.body();
    }
    if (progress instanceof GrantProgress.Refused refused) {
      throw new SymRequestException(
          SymRequestException.Kind.GRANT_REFUSED,
          "Access to " + target + " was not granted: " + sentence(refused.message()));
    }
    throw timedOut(
        "Access to "
            + target
            + " was not granted within "
            + deadline.total().toSeconds()
            + "s (last state: "
            + ((GrantProgress.Waiting) progress).message().replaceAll("\\.$", "")
            + "), so the request was withdrawn; try again, and if it keeps happening ask the"
            + " platform team to check the operator.");
  }

  private void withdraw(Resource<TemporaryDbAccess> resource, String name) {
    try {
      resource.delete();
    } catch (KubernetesClientException e) {
      LOG.error(
          "Could not delete {} after a failed escalate; delete it by hand so the grant does not"
              + " outlive Sym's request",
          where(name),
          e);
    }
  }

  private TemporaryDbAccess create(Resource<TemporaryDbAccess> resource, TemporaryDbAccess wanted) {
    try {
      return client.resource(wanted).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // A concurrent escalate of the same run won the race: use what it made.
      TemporaryDbAccess existing = resource.get();
      if (existing == null) {
        throw e;
      }
      return existing;
    }
  }

  private Map<String, String> deescalate(SymEvent event, Deadline deadline) {
    String name = AccessRequests.resourceName(event);
    Resource<TemporaryDbAccess> resource = resource(name);
    TemporaryDbAccess existing = resource.get();
    if (existing == null) {
      return Map.of(); // never granted, or already removed: both mean no access
    }
    if (!AccessRequests.belongsToRun(existing, event.runSrn())) {
      throw new SymRequestException(
          SymRequestException.Kind.GRANT_REFUSED,
          where(name)
              + " was not made for this Sym request, so it was left alone; ask the platform team"
              + " to check it.");
    }
    resource.delete();
    if (!waitFor(resource, a -> a == null, deadline)) {
      TemporaryDbAccess current = resource.get();
      String why =
          current == null || current.getStatus() == null || current.getStatus().getMessage() == null
              ? "the operator has not finished"
              : current.getStatus().getMessage();
      throw timedOut(
          "Revoking "
              + where(name)
              + " did not finish within "
              + deadline.total().toSeconds()
              + "s ("
              + sentence(why).replaceAll("\\.$", "")
              + "); the operator keeps trying, and the platform team can follow it with kubectl"
              + " describe.");
    }
    return Map.of();
  }

  private boolean waitFor(
      Resource<TemporaryDbAccess> resource, Predicate<TemporaryDbAccess> done, Deadline deadline) {
    while (true) {
      if (done.test(resource.get())) {
        return true;
      }
      if (deadline.passed()) {
        return false;
      }
      deadline.pause();
    }
  }

  private Resource<TemporaryDbAccess> resource(String name) {
    return client
        .resources(TemporaryDbAccess.class)
        .inNamespace(settings.namespace())
        .withName(name);
  }

  private String where(String name) {
    return "TemporaryDbAccess " + settings.namespace() + "/" + name;
  }

  private static SymRequestException timedOut(String message) {
    return new SymRequestException(SymRequestException.Kind.TIMED_OUT, message);
  }

  private static SymRequestException unavailable(KubernetesClientException e) {
    String fix =
        e.getCode() == 401 || e.getCode() == 403
            ? "the bridge is not allowed to manage grants; check its RBAC and cluster access"
                + " (deploy/sym-bridge)"
            : "try again, and if it keeps happening ask the platform team to check the cluster";
    return new SymRequestException(
        SymRequestException.Kind.UNAVAILABLE,
        "The Kubernetes API did not accept the request"
            + (e.getCode() > 0 ? " (HTTP " + e.getCode() + ")" : "")
            + "; "
            + fix
            + ".");
  }

  private static String sentence(String message) {
    String trimmed = message.trim();
    return trimmed.endsWith(".") ? trimmed : trimmed + ".";
  }

  /** A wait bound with a growing pause between polls. */
  private static final class Deadline {
    private final Duration total;
    private final long end;
    private long pauseMillis = FIRST_POLL.toMillis();

    Deadline(Duration total) {
      this.total = total;
      this.end = System.nanoTime() + total.toNanos();
    }

    Duration total() {
      return total;
    }

    boolean passed() {
      return System.nanoTime() - end >= 0;
    }

    void pause() {
      long left = (end - System.nanoTime()) / 1_000_000;
      try {
        Thread.sleep(Math.max(1, Math.min(pauseMillis, left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SymRequestException(
            SymRequestException.Kind.UNAVAILABLE, "The bridge was stopping; try again.");
      }
      pauseMillis = Math.min(pauseMillis * 2, MAX_POLL.toMillis());
    }
  }
}
