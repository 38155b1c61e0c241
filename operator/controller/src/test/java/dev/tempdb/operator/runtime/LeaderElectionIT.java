package dev.tempdb.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.testing.KubernetesFixture;
import dev.tempdb.operator.OperatorApp;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * Two replicas against one API server: only the Lease holder reconciles; when it stops, the other
 * takes over. Each replica has its own client (named by its User-Agent), so the API server's log
 * shows which replica wrote what.
 */
class LeaderElectionIT {
  private static final java.util.concurrent.atomic.AtomicInteger TESTS =
      new java.util.concurrent.atomic.AtomicInteger();

  // A Lease of its own per test: the previous test may leave one held by someone else.
  private final String lease = "tempdb-leader-election-it-" + TESTS.incrementAndGet();

  private OperatorFixture op;
  private OperatorApp second;
  private KubernetesClient secondClient;

  @BeforeEach
  void twoReplicas() {
    // The fixture's operator is replica A (it starts first, so it leads).
    op = new OperatorFixture(c -> config("replica-a"));
    op.postgres().superuser("CREATE SCHEMA IF NOT EXISTS le", "GRANT USAGE ON SCHEMA le TO PUBLIC");
    op.target("le-read", "GRANT USAGE ON SCHEMA le TO {username};", null, "1h");
    await().atMost(Duration.ofSeconds(20)).until(() -> op.app().isLeading());
    secondClient = KubernetesFixture.get().clientNamed("replica-b");
    second =
        OperatorApp.start(
            secondClient,
            config("replica-b"),
            Clock.systemUTC(),
            AnonymousCredentialsProvider::create,
            () -> {});
  }

  @AfterEach
  void stop() {
    second.close();
    secondClient.close();
    op.close();
  }

  @Test
  void onlyTheLeaderReconcilesAndTheStandbyTakesOverWhenItStops() {
    assertThat(op.app().isLeading()).isTrue();
    assertThat(second.isLeading()).isFalse();
    assertThat(holder()).isEqualTo("replica-a");

    op.request("le-1", "le-read", "ann@acme-corp.example", "1h");
    TemporaryDbAccess first = op.awaitPhase("le-1", Phase.Active);
    assertThat(first.getStatus().getUsername()).startsWith("tdb_ann_");
    // The standby watched (its caches are warm) but wrote nothing about requests.
    assertThat(writesToRequests("replica-b")).isEmpty();

    op.stop(); // graceful: hands the Lease over

    await().atMost(Duration.ofSeconds(15)).until(second::isLeading);
    assertThat(holder()).isEqualTo("replica-b");
    op.request("le-2", "le-read", "bob@acme-corp.example", "1h");
    TemporaryDbAccess taken = op.awaitPhase("le-2", Phase.Active);
    assertThat(taken.getStatus().getUsername()).startsWith("tdb_bob_");
    assertThat(writesToRequests("replica-b")).isNotEmpty();
    // The first grant was not redone by the new leader: same user, same password.
    assertThat(op.get("le-1").getStatus().getUsername()).isEqualTo(first.getStatus().getUsername());
    assertThat(op.publishedPassword(op.get("le-1"))).isEqualTo(op.publishedPassword(first));
  }

  @Test
  void aLeaderThatLosesTheLeaseStopsWorkAndFailsItsLivenessProbe() throws Exception {
    assertThat(op.app().isLeading()).isTrue();
    assertThat(probe(op.app(), "/healthz/live")).isEqualTo(200);

    // Someone else holds the Lease now (e.g. this replica was partitioned and the lease lapsed).
    // Taken as another candidate would: read, change, write with the version read, and read again
    // when the leader renewed in between (409), as it does every second.
    op.client()
        .leases()
        .inNamespace(OperatorFixture.CONTROL_NS)
        .withName(lease)
        .edit(
            taken -> {
              taken.getSpec().setHolderIdentity("replica-elsewhere");
              taken.getSpec().setRenewTime(java.time.ZonedDateTime.now());
              taken.getSpec().setLeaseDurationSeconds(60);
              return taken;
            });

    await().atMost(Duration.ofSeconds(15)).until(() -> !op.app().isLeading());
    // It stops everything (Main then exits for a restart): liveness no longer passes.
    int port = op.app().managementPort();
    await().atMost(Duration.ofSeconds(40)).until(() -> probe(port, "/healthz/live") != 200);
    // It stopped reconciling: a new request is not served by it (nor by the standby, which
    // respects the other holder's lease).
    long leaseChecks = leaseReadsBy("replica-b");
    op.request("le-3", "le-read", "cyd@acme-corp.example", "1h");
    // The standby is alive and has looked at the Lease twice (every retry period, 1 s) since the
    // request exists, finding it held by the other holder each time.
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> leaseReadsBy("replica-b") >= leaseChecks + 2);
    assertThat(op.get("le-3").getStatus()).isNull();
    assertThat(second.isLeading()).isFalse();
  }

  private static int probe(OperatorApp app, String path) throws Exception {
    return probe(app.managementPort(), path);
  }

  private static int probe(int port, String path) throws Exception {
    var connection =
        (java.net.HttpURLConnection)
            java.net.URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
    connection.setConnectTimeout(2000);
    connection.setReadTimeout(2000);
    try {
      return connection.getResponseCode();
    } catch (java.net.SocketException e) {
      return -1; // stopped, or reset while it was stopping
    } finally {
      connection.disconnect();
    }
  }

  private OperatorConfig config(String identity) {
    return OperatorFixture.testConfig(
            Map.of(
                "TEMPDB_LEADER_ELECTION_ENABLED", "true",
                "TEMPDB_LEADER_ELECTION_LEASE_NAME", lease,
                "TEMPDB_LEADER_ELECTION_LEASE_DURATION", "4s",
                "TEMPDB_LEADER_ELECTION_RENEW_DEADLINE", "3s",
                "TEMPDB_LEADER_ELECTION_RETRY_PERIOD", "1s"))
        .withIdentity(identity);
  }

  private String holder() {
    return op.client()
        .leases()
        .inNamespace(OperatorFixture.CONTROL_NS)
        .withName(lease)
        .get()
        .getSpec()
        .getHolderIdentity();
  }

  private long leaseReadsBy(String replica) {
    return KubernetesFixture.get().requestsFrom(replica).stream()
        .filter(r -> r.method().equals("GET"))
        .filter(r -> r.path().endsWith("/leases/" + lease))
        .count();
  }

  private static java.util.List<String> writesToRequests(String replica) {
    return KubernetesFixture.get().requestsFrom(replica).stream()
        .filter(r -> !r.method().equals("GET"))
        .filter(r -> r.path().contains("/temporarydbaccesses"))
        .map(r -> r.method() + " " + r.path())
        .toList();
  }
}
