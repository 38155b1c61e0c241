package dev.tempdb.sym.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.testing.KubernetesFixture;
import dev.tempdb.sym.BridgeSettings;
import dev.tempdb.sym.SymBridge;
import dev.tempdb.sym.SymPayloads;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop half way through a request cannot take the webhook's probe or its events: the
 * request timeout closes them, the request limit refuses more, and the probe has its own listener.
 */
class SlowClientsIT {
  private static final String NS = "sym-slow-clients-it";
  private static final KubernetesClient CLIENT = KubernetesFixture.get().client();
  private static final String KEY = "s".repeat(64);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static SymWebhookServer server;

  @BeforeAll
  static void start() throws Exception {
    CLIENT
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("webhook-key")
                .withNamespace(NS)
                .endMetadata()
                .addToData("hmac-key", Base64.getEncoder().encodeToString(KEY.getBytes()))
                .build())
        .create();
    server = start(16);
  }

  /** One event at a time, so that the limit is easy to reach. */
  private static SymWebhookServer start(int maxRequests) throws Exception {
    return SymWebhookServer.startLocal(
        new SymBridge(CLIENT, BridgeSettings.of(NS).withWaitTimeout(Duration.ofSeconds(2))),
        new WebhookSettings(0, NS, "webhook-key", "hmac-key", Duration.ofMinutes(5), 4096)
            .withRequestTimeout(REQUEST_TIMEOUT)
            .withLimits(1, maxRequests),
        new SecretHmacKeys(CLIENT, NS, "webhook-key", "hmac-key", Clock.systemUTC()),
        Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The bound a probe must meet: a kubelet probe gives up after 1 s by default. */
  private static HttpResponse<String> probe(int port) throws Exception {
    return HTTP.send(
        to(port, "/healthz").GET().timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder to(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
  }

  private static HttpRequest.Builder signed(int port, byte[] body, long timestamp) {
    return to(port, SymWebhookServer.PATH)
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
        .header(
            WebhookSignature.SIGNATURE_HEADER,
            WebhookSignature.sign(KEY.getBytes(StandardCharsets.UTF_8), timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static byte[] event(boolean escalate, String run) throws Exception {
    return SymPayloads.JSON.writeValueAsBytes(
        escalate
            ? SymPayloads.escalate(e -> SymPayloads.run(e, run))
            : SymPayloads.deescalate(e -> SymPayloads.run(e, run)));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** Awaits each socket's close, and checks that the first came at the timeout, not sooner. */
  private static void awaitClosedAtTheTimeout(List<Socket> sockets, long openedAtNanos) {
    for (Socket socket : sockets) {
      Awaitility.await()
          .atMost(REQUEST_TIMEOUT.plusSeconds(3))
          .pollInterval(Duration.ZERO) // closedByServer itself waits up to 100 ms
          .until(() -> RawHttp.closedByServer(socket));
      if (socket == sockets.get(0)) {
        assertThat(Duration.ofNanos(System.nanoTime() - openedAtNanos))
            .isGreaterThanOrEqualTo(REQUEST_TIMEOUT.minusMillis(200));
      }
    }
  }

  private static long closedNow(List<Socket> sockets) throws Exception {
    long closed = 0;
    for (Socket socket : sockets) {
      closed += RawHttp.closedByServer(socket) ? 1 : 0;
    }
    return closed;
  }

  private static void closeAll(List<Socket> sockets) throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  @Test
  void stalledBodiesLeaveTheProbeAndSignedEventsServedAndAreClosedAtTheTimeout() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    long opened = System.nanoTime();
    try {
      for (int i = 0; i < 10; i++) { // more than the 8 worker threads the server used to have
        stalled.add(
            RawHttp.stall(
                server.port(), RawHttp.headersThenPartOfTheBody(SymWebhookServer.PATH, 1000)));
      }

      assertThat(probe(server.healthPort()).statusCode()).isEqualTo(200);
      assertThat(probe(server.port()).statusCode()).isEqualTo(200);
      HttpResponse<String> event =
          send(signed(server.port(), event(false, UUID.randomUUID().toString()), now()));
      assertThat(event.statusCode()).isEqualTo(200);
      awaitClosedAtTheTimeout(stalled, opened);
    } finally {
      closeAll(stalled);
    }
  }

  @Test
  void stalledHeadersAreClosedAtTheTimeoutToo() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    long opened = System.nanoTime();
    try {
      for (int i = 0; i < 3; i++) {
        stalled.add(
            RawHttp.stall(
                server.port(), "POST " + SymWebhookServer.PATH + " HTTP/1.1\r\nHost: 127"));
      }
      stalled.add(RawHttp.stall(server.healthPort(), "GET /heal"));

      assertThat(probe(server.healthPort()).statusCode()).isEqualTo(200);
      awaitClosedAtTheTimeout(stalled, opened);
    } finally {
      closeAll(stalled);
    }
  }

  @Test
  void beyondTheRequestLimitConnectionsAreClosedAtOnceAndTheProbeStillAnswers() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try (SymWebhookServer small = start(3)) {
      for (int i = 0; i < 3; i++) {
        stalled.add(
            RawHttp.stall(
                small.port(), RawHttp.headersThenPartOfTheBody(SymWebhookServer.PATH, 1000)));
      }
      stalled.add(
          RawHttp.stall(small.port(), RawHttp.headersThenPartOfTheBody(SymWebhookServer.PATH, 9)));

      // One of the four (whichever reached the server last) is refused for the limit, well
      // before the request timeout would close it.
      Awaitility.await()
          .atMost(REQUEST_TIMEOUT.dividedBy(2))
          .pollInterval(Duration.ZERO)
          .until(() -> closedNow(stalled) == 1);
      assertThat(probe(small.healthPort()).statusCode()).isEqualTo(200);
    } finally {
      closeAll(stalled);
    }
  }

  @Test
  void eventsBeyondTheConcurrencyLimitAre503AndTheSameRequestMaySucceedLater() throws Exception {
    String run = UUID.randomUUID().toString();
    // No operator here: the escalate waits its 2 s for Active, holding the one event slot.
    CompletableFuture<HttpResponse<String>> holding =
        HTTP.sendAsync(
            signed(server.port(), event(true, run), now()).build(),
            HttpResponse.BodyHandlers.ofString());
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                CLIENT
                        .resources(TemporaryDbAccess.class)
                        .inNamespace(NS)
                        .withName("sym-" + run)
                        .get()
                    != null);
    HttpRequest second = signed(server.port(), event(false, run + "-2"), now()).build();

    HttpResponse<String> busy = HTTP.send(second, HttpResponse.BodyHandlers.ofString());

    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.headers().firstValue("Retry-After")).contains("5");
    assertThat(busy.body())
        .isEqualTo(
            "{\"body\":{},\"errors\":[\"Busy: as many events as the webhook handles at once (1)"
                + " are in progress; send this request again shortly (it was not recorded as"
                + " received).\"]}");
    assertThat(holding.get().statusCode()).isEqualTo(504);
    assertThat(HTTP.send(second, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }
}
