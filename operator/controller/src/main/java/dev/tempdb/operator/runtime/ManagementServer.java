package dev.tempdb.operator.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} (Prometheus text format) and the three probes {@code
 * /healthz/startup}, {@code /healthz/live} and {@code /healthz/ready} (200 or 503, with a small
 * JSON body saying why). Nothing here carries a secret: metric labels are targets and servers, the
 * health body names controllers and event sources.
 */
public final class ManagementServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;

  private ManagementServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * @param beforeScrape brings gauges up to date before each scrape
   */
  public static ManagementServer start(
      int port,
      PrometheusMeterRegistry registry,
      Runnable beforeScrape,
      Supplier<HealthState> health) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve metrics and health on port "
              + port
              + " (setting TEMPDB_MANAGEMENT_PORT): "
              + e.getMessage(),
          e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(2, DaemonThreads.named("tempdb-management"));
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        exchange -> {
          beforeScrape.run();
          respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
    probe(server, "/healthz/startup", health, HealthState::startupOk);
    probe(server, "/healthz/live", health, HealthState::liveOk);
    probe(server, "/healthz/ready", health, HealthState::readyOk);
    server.start();
    LOG.info(
        "Metrics on :{}/metrics, probes on :{}/healthz/startup, /healthz/live, /healthz/ready",
        server.getAddress().getPort(),
        server.getAddress().getPort());
    return new ManagementServer(server, executor);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void probe(
      HttpServer server, String path, Supplier<HealthState> health, Predicate<HealthState> ok) {
    server.createContext(
        path,
        exchange -> {
          if (!exchange.getRequestURI().getPath().equals(path)) {
            respond(exchange, 404, "text/plain", "not found\n");
            return;
          }
          HealthState state = health.get();
          boolean up = ok.test(state);
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("status", up ? "UP" : "DOWN");
          body.put("started", state.started());
          body.put("lostLeadership", state.lostLeadership());
          body.put("unhealthyEventSources", state.unhealthyEventSources());
          respond(exchange, up ? 200 : 503, "application/json", JSON.writeValueAsString(body));
        });
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String body)
      throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(code, -1);
        return;
      }
      exchange.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
