package dev.tempdb.sym.webhook;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
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
        integer(env, "TEMPDB_SYM_WEBHOOK_PORT", DEFAULT_PORT, 1, 65535),
        parts.length == 2 ? parts[0] : defaultNamespace,
        parts[parts.length - 1],
        env.getOrDefault("TEMPDB_SYM_WEBHOOK_SECRET_KEY", "hmac-key"),
        window(env.get("TEMPDB_SYM_WEBHOOK_REPLAY_WINDOW")),
        integer(env, "TEMPDB_SYM_WEBHOOK_MAX_BODY", DEFAULT_MAX_BODY, 1024, 1024 * 1024));
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + " must be a whole number from " + min + " to " + max + " (got " + value + ")");
  }

  private static Duration window(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_REPLAY_WINDOW;
    }
    String v = value.trim().toUpperCase(Locale.ROOT);
    try {
      Duration d = Duration.parse(v.startsWith("P") ? v : "PT" + v);
      if (d.compareTo(Duration.ofSeconds(30)) >= 0 && d.compareTo(Duration.ofMinutes(15)) <= 0) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "TEMPDB_SYM_WEBHOOK_REPLAY_WINDOW must be a duration from 30s to 15m, e.g. 5m (got "
            + value
            + ")");
  }
}
