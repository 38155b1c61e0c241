package dev.tempdb.sym.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tempdb.core.testing.KubernetesFixture;
import dev.tempdb.sym.BridgeSettings;
import dev.tempdb.sym.SymBridge;
import dev.tempdb.sym.SymPayloads;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The webhook's guards over real HTTP, with its key read from a Kubernetes Secret: size, method,
 * replay and key rotation. (Granting through it end to end is in the controller's
 * SymBridgeEndToEndIT, with the real operator.)
 */
class SymWebhookIT {
  private static final String NS = "sym-webhook-it";
  private static final KubernetesClient CLIENT = KubernetesFixture.get().client();
  private static final String CURRENT = "c".repeat(64);
  private static final String PREVIOUS = "p".repeat(64);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static SymWebhookServer server;

  @BeforeAll
  static void start() throws Exception {
    CLIENT
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("tempdb-sym-webhook")
                .withNamespace(NS)
                .endMetadata()
                .addToData("hmac-key", b64(CURRENT + "\n"))
                .addToData("hmac-key.previous", b64(PREVIOUS))
                .build())
        .create();
    WebhookSettings settings =
        new WebhookSettings(0, NS, "tempdb-sym-webhook", "hmac-key", Duration.ofMinutes(5), 4096);
    server =
        SymWebhookServer.startLocal(
            new SymBridge(CLIENT, BridgeSettings.of(NS).withWaitTimeout(Duration.ofSeconds(2))),
            settings,
            new SecretHmacKeys(CLIENT, NS, "tempdb-sym-webhook", "hmac-key", Clock.systemUTC()),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
  }

  private static HttpRequest.Builder signed(byte[] body, String key, long timestamp) {
    return to(SymWebhookServer.PATH)
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
        .header(
            WebhookSignature.SIGNATURE_HEADER,
            WebhookSignature.sign(key.getBytes(StandardCharsets.UTF_8), timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static byte[] deescalateOfNewRun() throws Exception {
    return SymPayloads.JSON.writeValueAsBytes(
        SymPayloads.deescalate(e -> SymPayloads.run(e, UUID.randomUUID().toString())));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static String firstError(HttpResponse<String> response) throws Exception {
    JsonNode json = SymPayloads.JSON.readTree(response.body());
    return json.path("errors").get(0).asText();
  }

  @Test
  void aSignedEventIsHandledWithTheKeyFromTheSecretIgnoringItsTrailingNewline() throws Exception {
    HttpResponse<String> response = send(signed(deescalateOfNewRun(), CURRENT, now()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"body\":{},\"errors\":[]}");
  }

  @Test
  void thePreviousKeyStillWorksWhileRotating() throws Exception {
    assertThat(send(signed(deescalateOfNewRun(), PREVIOUS, now())).statusCode()).isEqualTo(200);
    assertThat(send(signed(deescalateOfNewRun(), "x".repeat(64), now())).statusCode())
        .isEqualTo(401);
  }

  @Test
  void theSameSignedRequestTwiceIsRefusedTheSecondTime() throws Exception {
    byte[] body = deescalateOfNewRun();
    long ts = now();

    assertThat(send(signed(body, CURRENT, ts)).statusCode()).isEqualTo(200);
    HttpResponse<String> replay = send(signed(body, CURRENT, ts));

    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(firstError(replay))
        .isEqualTo("Unauthorized: this signed request was already received.");
  }

  @Test
  void aReplayIsRefusedWhateverTheSignatureCaseSpacingOrHeaderForm() throws Exception {
    byte[] body = deescalateOfNewRun();
    long ts = now();
    String hex =
        WebhookSignature.sign(CURRENT.getBytes(StandardCharsets.UTF_8), ts, body).substring(3);
    assertThat(RawHttp.post(server.port(), SymWebhookServer.PATH, headers(ts, "v1=" + hex), body))
        .isEqualTo(new RawHttp.Answer(200, "{\"body\":{},\"errors\":[]}"));

    // Each is the captured request again: the same bytes signed, the same timestamp value.
    List<Map<String, String>> replays =
        List.of(
            headers(ts, "v1=" + hex.toUpperCase(Locale.ROOT)),
            headers(ts, "v1=" + mixedCase(hex)),
            headers(ts, "  v1=" + hex + " \t"),
            headers("+" + ts, "v1=" + hex),
            headers("00" + ts, "v1=" + hex.toUpperCase(Locale.ROOT)),
            Map.of(
                "x-tempdb-timestamp",
                Long.toString(ts),
                "X-TEMPDB-SIGNATURE",
                "v1=" + hex.toUpperCase(Locale.ROOT)));
    for (Map<String, String> replay : replays) {
      assertThat(RawHttp.post(server.port(), SymWebhookServer.PATH, replay, body))
          .as("replayed with %s", replay)
          .isEqualTo(
              new RawHttp.Answer(
                  401,
                  "{\"body\":{},\"errors\":[\"Unauthorized: this signed request was already"
                      + " received.\"]}"));
    }
  }

  private static Map<String, String> headers(long timestamp, String signature) {
    return headers(Long.toString(timestamp), signature);
  }

  private static Map<String, String> headers(String timestamp, String signature) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put(WebhookSignature.TIMESTAMP_HEADER, timestamp);
    headers.put(WebhookSignature.SIGNATURE_HEADER, signature);
    return headers;
  }

  private static String mixedCase(String hex) {
    StringBuilder mixed = new StringBuilder();
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      mixed.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
    }
    return mixed.toString();
  }

  @Test
  void anOversizedBodyIsRefusedUnreadEvenIfSigned() throws Exception {
    byte[] big = ("{\"pad\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> response = send(signed(big, CURRENT, now()));

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(firstError(response)).isEqualTo("The request body is larger than 4096 bytes.");
  }

  @Test
  void onlyPostIsAcceptedAndHealthAnswers() throws Exception {
    HttpResponse<String> get = send(to(SymWebhookServer.PATH).GET());

    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    assertThat(send(to("/healthz").GET()).statusCode()).isEqualTo(200);
  }

  @Test
  void aSignedBodyThatIsNotJsonIs400() throws Exception {
    HttpResponse<String> response =
        send(signed("not json".getBytes(StandardCharsets.UTF_8), CURRENT, now()));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(firstError(response)).isEqualTo("The request body is not JSON.");
  }

  @Test
  void anInvalidEventIs400WithTheFieldNamed() throws Exception {
    byte[] body =
        SymPayloads.JSON.writeValueAsBytes(
            SymPayloads.escalate(e -> SymPayloads.fields(e).put("duration", "soon")));

    HttpResponse<String> response = send(signed(body, CURRENT, now()));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(firstError(response)).contains("fields.duration \"soon\"");
  }

  @Test
  void withoutAUsableKeyEveryRequestIs503() throws Exception {
    try (SymWebhookServer keyless =
        SymWebhookServer.startLocal(
            new SymBridge(CLIENT, BridgeSettings.of(NS)),
            new WebhookSettings(0, NS, "missing", "hmac-key", Duration.ofMinutes(5), 4096),
            new SecretHmacKeys(CLIENT, NS, "missing", "hmac-key", Clock.systemUTC()),
            Clock.systemUTC())) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + keyless.port() + SymWebhookServer.PATH))
                  .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now()))
                  .header(WebhookSignature.SIGNATURE_HEADER, "v1=00")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(deescalateOfNewRun())));

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(List.of(firstError(response)))
          .containsExactly("The webhook has no signing key configured; see the bridge's logs.");
    }
  }
}
