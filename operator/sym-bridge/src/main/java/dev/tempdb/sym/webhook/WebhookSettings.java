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
 */
public record WebhookSettings(
    int port,
    String secretNamespace,
    String secretName,
    String secretKey,
    Duration replayWindow,
    int maxBodyBytes) {
  public static final int DEFAULT_PORT = 8090;
  public static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofMinutes(5);
  public static final int DEFAULT_MAX_BODY = 64 * 1024;

  /**
   * Reads {@code TEMPDB_SYM_WEBHOOK_PORT}, {@code TEMPDB_SYM_WEBHOOK_SECRET} ({@code name} or
   * {@code namespace/name}, required), {@code TEMPDB_SYM_WEBHOOK_SECRET_KEY} (default {@code
   * hmac-key}), {@code TEMPDB_SYM_WEBHOOK_REPLAY_WINDOW} (default 5m) and {@code
   * TEMPDB_SYM_WEBHOOK_MAX_BODY} (bytes, default 65536).
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
            env, "TEMPDB_SYM_WEBHOOK_MAX_BODY", DEFAULT_MAX_BODY, 1024, 1024 * 1024));
  }
}
