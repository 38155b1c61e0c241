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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sym bridge over HTTP for teams that do not run Lambda: {@code POST /sym/events} with the same
 * event body and the same {@code {"body", "errors"}} answer, but the request must be signed (see
 * {@link WebhookSignature}). Unsigned, stale, replayed or oversized requests are refused before the
 * body is parsed, so they can create nothing. {@code GET /healthz} answers 200.
 */
public final class SymWebhookServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SymWebhookServer.class);
  public static final String PATH = "/sym/events";

  private final SymBridge bridge;
  private final WebhookSettings settings;
  private final Supplier<List<byte[]>> keys;
  private final Clock clock;
  private final ReplayGuard replays;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService executor;

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
    // Each event may wait for a grant, so a few threads; more only queue behind the same
    // per-server account limit in the operator.
    this.executor = Executors.newFixedThreadPool(8);
    this.server = HttpServer.create(new InetSocketAddress(host, settings.port()), 64);
    server.createContext(PATH, this::events);
    server.createContext("/healthz", this::health);
    server.setExecutor(executor);
    server.start();
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

  private void health(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private void events(HttpExchange exchange) throws IOException {
    try (exchange) {
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
    } catch (RuntimeException e) {
      LOG.error("The webhook failed on a request", e);
      throw e;
    }
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
    server.stop(1);
    executor.shutdownNow();
  }
}
