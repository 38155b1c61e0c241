package dev.tempdb.operator.testing;

import dev.tempdb.operator.OperatorApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * The running operator's metrics, scraped over HTTP as Prometheus would. Tests use them as the
 * positive signal that the operator has looked (it reconciled, it retried) before they assert that
 * nothing happened, instead of sleeping for a while.
 */
public final class ScrapedMetrics {
  private ScrapedMetrics() {}

  /**
   * The sum of every sample named {@code name} whose labels include all of {@code labels} (each
   * written as in the exposition format, e.g. {@code target="x"}); 0 when there is none yet.
   */
  public static double sum(OperatorApp app, String name, String... labels) {
    return Arrays.stream(scrape(app).split("\n"))
        .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .filter(line -> Arrays.stream(labels).allMatch(line::contains))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /**
   * Whether this operator has finished every reconcile pass over TemporaryDbAccess requests it has
   * started, at least {@code atLeast} of them since it started, and has none queued or running.
   */
  public static boolean requestPassesSettled(OperatorApp app, int atLeast) {
    return passesSettled(app, "TemporaryDbAccess", atLeast);
  }

  /**
   * As {@link #requestPassesSettled}, for the resources of {@code kind} (JOSDK's own counters and
   * gauges: the counters are labelled by the resource's kind, the gauges named by the controller,
   * whose name is the kind in lower case).
   */
  public static boolean passesSettled(OperatorApp app, String kind, double atLeast) {
    String label = "kind=\"" + kind + "\"";
    String controller = kind.toLowerCase(java.util.Locale.ROOT);
    double started = passesStarted(app, kind);
    double finished =
        sum(app, "operator_sdk_reconciliations_success_total", label)
            + sum(app, "operator_sdk_reconciliations_failed_total", label);
    return started >= atLeast
        && finished >= started
        && sum(app, "operator_sdk_reconciliations_queue_size_" + controller) == 0
        && sum(app, "operator_sdk_reconciliations_executions_" + controller) == 0;
  }

  /** Reconcile passes over resources of {@code kind} this operator has started. */
  public static double passesStarted(OperatorApp app, String kind) {
    return sum(app, "operator_sdk_reconciliations_started_total", "kind=\"" + kind + "\"");
  }

  /** Requests for {@code target} that are Active in this operator's cache. */
  public static double activeInCache(OperatorApp app, String target) {
    return sum(app, "tempdb_grants_active", "target=\"" + target + "\"");
  }

  /** Failed revocation attempts on requests for {@code target} (each one is retried). */
  public static double revocationFailures(OperatorApp app, String target) {
    return sum(app, "tempdb_revocation_failures_total", "target=\"" + target + "\"");
  }

  private static String scrape(OperatorApp app) {
    try {
      // A client per scrape: a pooled keep-alive connection may belong to a management server
      // that an operator restart closed, and then answers with no bytes at all.
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + app.managementPort() + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("/metrics answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
