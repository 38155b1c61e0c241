package dev.tempdb.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator's Prometheus and kubelet see, read over HTTP from the running operator after
 * real grants, an expiry, a revocation that failed before it succeeded, and a sweep.
 */
class MetricsEndpointIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  static OperatorFixture op;
  static TestDatabase db;

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
    db = TestDatabase.of(Engine.POSTGRESQL);
    op.server(db);
    op.postgres().superuser("CREATE SCHEMA IF NOT EXISTS metrics");
    op.target("metrics-read", "GRANT USAGE ON SCHEMA metrics TO {username};", null, "1h");
    op.target("metrics-pin", db.pinnableGrantSql(), null, "1h");
  }

  @AfterAll
  static void stop() {
    op.close();
  }

  @Test
  void theMetricsEndpointServesGrantRevocationAndSweepMetricsWithoutNamingAnyone()
      throws Exception {
    op.request("metrics-1", "metrics-read", "mia@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase("metrics-1", Phase.Active);
    op.request("metrics-2", "metrics-read", "noa@acme-corp.example", "3s");
    op.awaitPhase("metrics-2", Phase.Expired);

    // A deletion whose revocation fails first (the user owns objects elsewhere), then succeeds.
    TemporaryDbAccess pinned =
        op.request("metrics-3", "metrics-pin", "oli@acme-corp.example", "1h");
    TemporaryDbAccess pinnedActive = op.awaitPhase("metrics-3", Phase.Active);
    Runnable unpin =
        db.pin(pinnedActive.getStatus().getUsername(), op.publishedPassword(pinnedActive));
    op.client().resource(pinned).delete();
    op.awaitPhase("metrics-3", Phase.Revoking);
    unpin.run();
    op.awaitGone("metrics-3");

    try (DatabaseEngine engine =
        DatabaseEngines.open(db.endpoint("metrics-sweep"), Clock.systemUTC())) {
      engine.provision(
          new UserGrant(
              "tdb_metricsorphan_abcdefgh",
              Passwords.generate(),
              Instant.now().plusSeconds(3600),
              1,
              "",
              "team-a/deleted-long-ago"));
    }
    op.app().sweeper().sweepOnce();

    HttpResponse<String> scrape = get("/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    String metrics = scrape.body();
    assertThat(value(metrics, "tempdb_grants_active{target=\"metrics-read\"}")).isEqualTo(1);
    assertThat(value(metrics, "tempdb_grants_revoking{target=\"metrics-read\"}")).isZero();
    assertThat(
            value(
                metrics,
                "tempdb_grant_latency_seconds_count{strategy=\"TemporaryUser\",target=\"metrics-read\"}"))
        .isEqualTo(2);
    assertThat(
            value(
                metrics,
                "tempdb_revocation_latency_seconds_count{reason=\"expired\",target=\"metrics-read\"}"))
        .isEqualTo(1);
    assertThat(
            value(
                metrics,
                "tempdb_revocation_latency_seconds_count{reason=\"deleted\",target=\"metrics-pin\"}"))
        .isEqualTo(1);
    assertThat(value(metrics, "tempdb_revocation_failures_total{target=\"metrics-pin\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "tempdb_sweep_removals_total{kind=\"user\",server=\"pg\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "tempdb_leader")).isEqualTo(1);
    // JOSDK's own reconcile metrics, per controller.
    assertThat(metrics).contains("operator_sdk_reconciliations_started_total");
    assertThat(metrics).contains("operator_sdk_reconciliations_success_total");
    assertThat(metrics).contains("jvm_memory_used_bytes");
    // Labels are targets and servers: no requester, no user, no password.
    assertThat(metrics)
        .doesNotContain("mia@", "acme-corp", active.getStatus().getUsername())
        .doesNotContain(op.publishedPassword(active));
  }

  @Test
  void theProbesReportAStartedReadyLiveOperator() throws Exception {
    for (String probe : List.of("/healthz/startup", "/healthz/live", "/healthz/ready")) {
      HttpResponse<String> response = get(probe);
      assertThat(response.statusCode()).as(probe).isEqualTo(200);
      assertThat(response.body()).as(probe).contains("\"status\":\"UP\"");
    }
    assertThat(get("/healthz/nonsense").statusCode()).isEqualTo(404);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + op.app().managementPort() + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the sample whose name and labels are exactly {@code series}. */
  private static double value(String metrics, String series) {
    return Arrays.stream(metrics.split("\n"))
        .filter(line -> line.startsWith(series + " "))
        .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + series + " in:\n" + metrics));
  }
}
