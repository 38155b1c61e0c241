package dev.tempdb.sym.webhook;

import dev.tempdb.sym.EnvSettings;
import java.time.Duration;
import java.util.Map;

/**
 * The signed webhook's settings.
 *
 * @param port where it listens (plain HTTP: terminate TLS at the ingress or mesh in front of it)
 * @param secretNamespace namespace of the Secret holding the HMAC key
 * @param secretName the Secret holding the HMAC key
 * @param secretKey the key in that Secret ({@code <key>.previous} is accepted too while rotating)
 * @param replayWindow how far a request's timestamp may be from now
 * @param maxBodyBytes larger requests are refused unread
 * @param healthPort where {@code GET /healthz} is served on a listener of its own, so that clients
 *     of the event port cannot starve the probe; 0 picks a free port (tests)
 * @param requestTimeout how long a request may take to arrive, headers and body, from its first
 *     byte; a slower one has its connection closed
 * @param maxConcurrentEvents events handled at once; one more is answered 503 at once
 * @param maxRequests requests in progress at once on the event port (being received, refused or
 *     handled); one more has its connection closed
 */
public record WebhookSettings(
    int port,
    String secretNamespace,
    String secretName,
    String secretKey,
    Duration replayWindow,
    int maxBodyBytes,
    int healthPort,
    Duration requestTimeout,
    int maxConcurrentEvents,
    int maxRequests) {
  public static final int DEFAULT_PORT = 8090;
  public static final int DEFAULT_HEALTH_PORT = 8091;
  public static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofMinutes(5);
  public static final int DEFAULT_MAX_BODY = 64 * 1024;
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_CONCURRENT = 8;
  public static final int DEFAULT_MAX_REQUESTS = 64;

  public WebhookSettings {
    if (maxRequests <= maxConcurrentEvents) {
      throw new IllegalArgumentException(
          "TEMPDB_SYM_WEBHOOK_MAX_REQUESTS ("
              + maxRequests
              + ") must be greater than TEMPDB_SYM_WEBHOOK_MAX_CONCURRENT ("
              + maxConcurrentEvents
              + "): requests being received need room next to the events being handled");
    }
    if (port != 0 && port == healthPort) {
      throw new IllegalArgumentException(
          "TEMPDB_SYM_WEBHOOK_HEALTH_PORT must differ from TEMPDB_SYM_WEBHOOK_PORT (both "
              + port
              + "): the probe has a listener of its own");
    }
  }

  /**
   * The first six settings with the defaults for the rest, and the health listener on a free port
   * (tests, embedding).
   */
  public WebhookSettings(
      int port,
      String secretNamespace,
      String secretName,
      String secretKey,
      Duration replayWindow,
      int maxBodyBytes) {
    this(
        port,
        secretNamespace,
        secretName,
        secretKey,
        replayWindow,
        maxBodyBytes,
        0,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_MAX_CONCURRENT,
        DEFAULT_MAX_REQUESTS);
  }

  public WebhookSettings withRequestTimeout(Duration requestTimeout) {
    return withRequestHandling(requestTimeout, maxConcurrentEvents, maxRequests);
  }

  public WebhookSettings withLimits(int maxConcurrentEvents, int maxRequests) {
    return withRequestHandling(requestTimeout, maxConcurrentEvents, maxRequests);
  }

  /** A copy with another request timeout and limits, checked again by the canonical constructor. */
  private WebhookSettings withRequestHandling(
      Duration requestTimeout, int maxConcurrentEvents, int maxRequests) {
    return new WebhookSettings(
        port,
        secretNamespace,
        secretName,
        secretKey,
        replayWindow,
        maxBodyBytes,
        healthPort,
        requestTimeout,
        maxConcurrentEvents,
        maxRequests);
  }

  /**
   * Reads {@code TEMPDB_SYM_WEBHOOK_PORT}, {@code TEMPDB_SYM_WEBHOOK_SECRET} ({@code name} or
   * {@code namespace/name}, required), {@code TEMPDB_SYM_WEBHOOK_SECRET_KEY} (default {@code
   * hmac-key}), {@code TEMPDB_SYM_WEBHOOK_REPLAY_WINDOW} (default 5m), {@code
   * TEMPDB_SYM_WEBHOOK_MAX_BODY} (bytes, default 65536), {@code TEMPDB_SYM_WEBHOOK_HEALTH_PORT}
   * (default 8091), {@code TEMPDB_SYM_WEBHOOK_REQUEST_TIMEOUT} (default 10s), {@code
   * TEMPDB_SYM_WEBHOOK_MAX_CONCURRENT} (default 8) and {@code TEMPDB_SYM_WEBHOOK_MAX_REQUESTS}
   * (default 64).
   *
   * @throws IllegalArgumentException naming the variable and the fix
   */
  public static WebhookSettings fromEnv(Map<String, String> env, String defaultNamespace) {
    String secret = env.get("TEMPDB_SYM_WEBHOOK_SECRET");
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException(
          "TEMPDB_SYM_WEBHOOK_SECRET must name the Secret holding the webhook's HMAC key, as name"
              + " or namespace/name");
    }
    String[] parts = secret.trim().split("/", -1);
    if (parts.length > 2 || parts[parts.length - 1].isBlank()) {
      throw new IllegalArgumentException(
          "TEMPDB_SYM_WEBHOOK_SECRET must be name or namespace/name (got " + secret + ")");
    }
    return new WebhookSettings(
        EnvSettings.integer(env, "TEMPDB_SYM_WEBHOOK_PORT", DEFAULT_PORT, 1, 65535),
        parts.length == 2 ? parts[0] : defaultNamespace,
        parts[parts.length - 1],
        env.getOrDefault("TEMPDB_SYM_WEBHOOK_SECRET_KEY", "hmac-key"),
        EnvSettings.duration(
            env,
            "TEMPDB_SYM_WEBHOOK_REPLAY_WINDOW",
            DEFAULT_REPLAY_WINDOW,
            Duration.ofSeconds(30),
            Duration.ofMinutes(15),
            "from 30s to 15m, e.g. 5m"),
        EnvSettings.integer(
            env, "TEMPDB_SYM_WEBHOOK_MAX_BODY", DEFAULT_MAX_BODY, 1024, 1024 * 1024),
        EnvSettings.integer(env, "TEMPDB_SYM_WEBHOOK_HEALTH_PORT", DEFAULT_HEALTH_PORT, 1, 65535),
        EnvSettings.duration(
            env,
            "TEMPDB_SYM_WEBHOOK_REQUEST_TIMEOUT",
            DEFAULT_REQUEST_TIMEOUT,
            Duration.ofSeconds(1),
            Duration.ofMinutes(5),
            "from 1s to 5m, e.g. 10s"),
        EnvSettings.integer(
            env, "TEMPDB_SYM_WEBHOOK_MAX_CONCURRENT", DEFAULT_MAX_CONCURRENT, 1, 256),
        EnvSettings.integer(env, "TEMPDB_SYM_WEBHOOK_MAX_REQUESTS", DEFAULT_MAX_REQUESTS, 2, 4096));
  }
}
