package dev.tempdb.sym.webhook;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tempdb.sym.SymBridge;
import dev.tempdb.sym.SymRequestException;
import dev.tempdb.sym.SymResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sym bridge over HTTP for teams that do not run Lambda: {@code POST /sym/events} with the same
 * event body and the same {@code {"body", "errors"}} answer, but the request must be signed (see
 * {@link WebhookSignature}). Unsigned, stale, replayed or oversized requests are refused before the
 * body is parsed, so they can create nothing. {@code GET /healthz} answers 200, on a listener of
 * its own (and, for older probes, on the event port too).
 *
 * <p>What a client can hold is bounded ({@link RequestDeadlines}): a request must arrive within the
 * request timeout or its connection is closed, at most {@code maxRequests} are in progress, and at
 * most {@code maxConcurrentEvents} events are handled at once. The probe's listener has its own
 * threads, so clients of the event port cannot starve it and get the pod restarted (which would
 * also empty the replay guard).
 */
public final class SymWebhookServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SymWebhookServer.class);
  public static final String PATH = "/sym/events";
  private static final String HEALTH = "/healthz";
  // Probes come one or two at a time (liveness, readiness); a few more absorb a slow one.
  private static final int HEALTH_REQUESTS = 8;

  private final SymBridge bridge;
  private final WebhookSettings settings;
  private final Supplier<List<byte[]>> keys;
  private final Clock clock;
  private final ReplayGuard replays;
  private final Semaphore handling;
  private final ObjectMapper json = new ObjectMapper();
  private final RequestDeadlines requests;
  private final RequestDeadlines probes;
  private final HttpServer server;
  private final HttpServer healthServer;

  private SymWebhookServer(
      SymBridge bridge,
      WebhookSettings settings,
      Supplier<List<byte[]>> keys,
      Clock clock,
      String host)
      throws IOException {
    this.bridge = bridge;
    this.settings = settings;
    this.keys = keys;
    this.clock = clock;
    this.replays = new ReplayGuard(settings.replayWindow());
    // Each event may wait for a grant, so a few at once; more would only queue behind the same
    // per-server account limit in the operator, so one more is answered 503 instead.
    this.handling = new Semaphore(settings.maxConcurrentEvents());
    this.requests =
        new RequestDeadlines(
            "sym-webhook",
            settings.requestTimeout(),
            settings.maxRequests(),
            "TEMPDB_SYM_WEBHOOK_MAX_REQUESTS");
    this.probes =
        new RequestDeadlines(
            "sym-webhook-health",
            settings.requestTimeout(),
            HEALTH_REQUESTS,
            "the health port's fixed limit");
    this.server = listen(host, settings.port(), "TEMPDB_SYM_WEBHOOK_PORT", null);
    this.healthServer =
        listen(host, settings.healthPort(), "TEMPDB_SYM_WEBHOOK_HEALTH_PORT", server);
    server.createContext(PATH, this::events);
    server.createContext(HEALTH, SymWebhookServer::health);
    server.setExecutor(requests);
    healthServer.createContext(HEALTH, SymWebhookServer::health);
    healthServer.setExecutor(probes);
    server.start();
    healthServer.start();
  }

  private HttpServer listen(String host, int port, String setting, HttpServer opened)
      throws IOException {
    try {
      return HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      if (opened != null) {
        opened.stop(0);
      }
      requests.close();
      probes.close();
      throw new IOException(
          "Cannot listen on " + host + ":" + port + " (" + setting + "); choose a free port", e);
    }
  }

  /**
   * Starts listening on all interfaces.
   *
   * @param keys the accepted HMAC keys, e.g. {@link SecretHmacKeys}
   */
  public static SymWebhookServer start(
      SymBridge bridge, WebhookSettings settings, Supplier<List<byte[]>> keys, Clock clock)
      throws IOException {
    return new SymWebhookServer(bridge, settings, keys, clock, "0.0.0.0");
  }

  /** Starts listening on loopback only (tests, local runs). */
  public static SymWebhookServer startLocal(
      SymBridge bridge, WebhookSettings settings, Supplier<List<byte[]>> keys, Clock clock)
      throws IOException {
    return new SymWebhookServer(bridge, settings, keys, clock, "127.0.0.1");
  }

  /** The port actually bound (useful when settings asked for 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The health listener's port actually bound. */
  public int healthPort() {
    return healthServer.getAddress().getPort();
  }

  private static void health(HttpExchange exchange) throws IOException {
    try (exchange) {
      // A probe has no body. Lift the deadline only at its end: close() would otherwise wait,
      // unbounded, for a body that a client announced and never sends.
      if (exchange.getRequestBody().read() == -1 && !RequestDeadlines.received()) {
        return;
      }
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private void events(HttpExchange exchange) throws IOException {
    try (exchange) {
      // Refusals before the body is read keep the deadline: close() drains the rest of the body.
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().add("Allow", "POST");
        refuse(exchange, 405, "Only POST is accepted.");
        return;
      }
      byte[] body = readLimited(exchange.getRequestBody(), settings.maxBodyBytes());
      if (body == null) {
        refuse(
            exchange,
            413,
            "The request body is larger than " + settings.maxBodyBytes() + " bytes.");
        return;
      }
      if (!RequestDeadlines.received()) {
        return; // it arrived too late: its connection is being closed
      }
      List<byte[]> accepted = keys.get();
      if (accepted.isEmpty()) {
        refuse(exchange, 503, "The webhook has no signing key configured; see the bridge's logs.");
        return;
      }
      String timestamp = exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
      String signature = exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
      WebhookSignature.Check check =
          WebhookSignature.check(
              accepted, timestamp, signature, body, clock.instant(), settings.replayWindow());
      WebhookSignature.Verdict verdict = check.verdict();
      if (verdict != WebhookSignature.Verdict.VALID) {
        LOG.warn("Refused a webhook request from {}: {}", exchange.getRemoteAddress(), verdict);
        refuse(exchange, 401, "Unauthorized: " + verdict.explanation() + ".");
        return;
      }
      if (!handling.tryAcquire()) {
        busy(exchange);
        return;
      }
      try {
        handleSigned(exchange, check, body);
      } finally {
        handling.release();
      }
    } catch (RuntimeException e) {
      LOG.error("The webhook failed on a request", e);
      throw e;
    }
  }

  /** Answered before the replay guard records the request, so the sender may send it again. */
  private void busy(HttpExchange exchange) throws IOException {
    LOG.warn(
        "Refused a webhook event from {}: {} events are already being handled"
            + " (TEMPDB_SYM_WEBHOOK_MAX_CONCURRENT)",
        exchange.getRemoteAddress(),
        settings.maxConcurrentEvents());
    exchange.getResponseHeaders().set("Retry-After", "5");
    refuse(
        exchange,
        503,
        "Busy: as many events as the webhook handles at once ("
            + settings.maxConcurrentEvents()
            + ") are in progress; send this request again shortly (it was not recorded as"
            + " received).");
  }

  private void handleSigned(HttpExchange exchange, WebhookSignature.Check check, byte[] body)
      throws IOException {
    if (!replays.firstTime(check.mac(), clock.instant())) {
      LOG.warn("Refused a replayed webhook request from {}", exchange.getRemoteAddress());
      refuse(exchange, 401, "Unauthorized: this signed request was already received.");
      return;
    }
    JsonNode payload;
    try {
      payload = json.readTree(body);
    } catch (JacksonException e) {
      refuse(exchange, 400, "The request body is not JSON.");
      return;
    }
    SymResponse response = bridge.handle(payload, bridge.settings().waitTimeout());
    send(exchange, status(response.kind()), response);
  }

  private static int status(SymRequestException.Kind kind) {
    if (kind == null) {
      return 200;
    }
    return switch (kind) {
      case INVALID_EVENT -> 400;
      case GRANT_REFUSED -> 422;
      case TIMED_OUT -> 504;
      case UNAVAILABLE -> 503;
    };
  }

  private void refuse(HttpExchange exchange, int status, String message) throws IOException {
    send(exchange, status, new SymResponse(Map.of(), List.of(message), null));
  }

  private void send(HttpExchange exchange, int status, SymResponse response) throws IOException {
    byte[] out = json.writeValueAsBytes(response.toJson());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
  }

  /** The body, or null when it is longer than the limit (reading stops at limit + 1 bytes). */
  private static byte[] readLimited(InputStream in, int limit) throws IOException {
    byte[] body = in.readNBytes(limit + 1);
    return body.length > limit ? null : body;
  }

  @Override
  public void close() {
    server.stop(1); // lets answers being written finish
    healthServer.stop(0);
    requests.close(); // interrupts what is left, which closes those connections
    probes.close();
  }
}
