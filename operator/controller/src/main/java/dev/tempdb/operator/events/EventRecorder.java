package dev.tempdb.operator.events;

import dev.tempdb.operator.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes events (core/v1) that {@code kubectl describe} shows. Best effort and off the
 * reconcile path: events are written by one background thread from a bounded queue, so a grant
 * never waits for (or fails on) its event. Callers pass messages that hold no secrets.
 */
public final class EventRecorder implements AccessEvents {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "tempdb-operator";

  private static final int QUEUE = 10_000;
  private static final int MAX_NAME = 253;

  private final KubernetesClient client;
  private final Clock clock;
  private final ThreadPoolExecutor writer =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(QUEUE),
          DaemonThreads.named("tempdb-events"),
          (task, pool) -> LOG.warn("Event queue full ({}); dropping an event", QUEUE));

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Stops taking events; those queued are still written, for at most a few seconds. */
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    String now = Instant.now(clock).toString();
    var meta = about.getMetadata();
    String apiVersion = about.getApiVersion();
    String kind = about.getKind();
    writer.execute(() -> write(meta, apiVersion, kind, type, reason, message, now));
  }

  private void write(
      io.fabric8.kubernetes.api.model.ObjectMeta meta,
      String apiVersion,
      String kind,
      String type,
      String reason,
      String message,
      String now) {
    try {
      client
          .v1()
          .events()
          .inNamespace(meta.getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(eventName(meta.getName(), ThreadLocalRandom.current().nextLong()))
                  .withNamespace(meta.getNamespace())
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(apiVersion)
                          .withKind(kind)
                          .withNamespace(meta.getNamespace())
                          .withName(meta.getName())
                          .withUid(meta.getUid())
                          .build())
                  .withType(type)
                  .withReason(reason)
                  .withMessage(truncate(message))
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .build())
          .create();
    } catch (RuntimeException e) {
      LOG.warn("Could not record event {} for {}: {}", reason, meta.getName(), e.getMessage());
    }
  }

  /**
   * {@code <object>.<random hex>}, always a valid object name: an API server refuses names over 253
   * characters, so a long object name is cut (at a character that may end a name) to leave room for
   * the suffix.
   */
  static String eventName(String objectName, long random) {
    String suffix = "." + String.format("%016x", random);
    String base = objectName;
    if (base.length() + suffix.length() > MAX_NAME) {
      base = base.substring(0, MAX_NAME - suffix.length()).replaceAll("[-.]+$", "");
    }
    return base + suffix;
  }

  private static String truncate(String message) {
    return message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
  }
}
