package dev.tempdb.core.sink;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What a requester receives. {@link #toString()} never shows the password. */
public record Credentials(
    Engine engine,
    String host,
    int port,
    String database,
    String username,
    String password,
    Instant expiresAt,
    TlsMode tlsMode) {

  /** The published fields, including a ready-to-use URI and JDBC URL. */
  public Map<String, String> asMap() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("engine", engine.name().toLowerCase(Locale.ROOT));
    out.put("host", host);
    out.put("port", Integer.toString(port));
    out.put("database", database);
    out.put("username", username);
    out.put("password", password);
    out.put("expiresAt", expiresAt.toString());
    out.put("uri", uri());
    out.put("jdbcUrl", jdbcUrl());
    return out;
  }

  /** e.g. {@code postgresql://user:pass@db.example:5432/app?sslmode=require}. */
  public String uri() {
    return scheme()
        + "://"
        + encode(username)
        + ":"
        + encode(password)
        + "@"
        + host
        + ":"
        + port
        + "/"
        + encode(database)
        + "?sslmode="
        + sslMode();
  }

  /** e.g. {@code jdbc:postgresql://db.example:5432/app?user=...&password=...&sslmode=require}. */
  public String jdbcUrl() {
    return "jdbc:"
        + scheme()
        + "://"
        + host
        + ":"
        + port
        + "/"
        + encode(database)
        + "?user="
        + encode(username)
        + "&password="
        + encode(password)
        + "&sslmode="
        + sslMode();
  }

  private String scheme() {
    return engine == Engine.POSTGRESQL ? "postgresql" : engine.name().toLowerCase(Locale.ROOT);
  }

  private String sslMode() {
    return switch (tlsMode == null ? TlsMode.REQUIRE : tlsMode) {
      case DISABLE -> "disable";
      case REQUIRE -> "require";
      case VERIFY_CA -> "verify-ca";
      case VERIFY_FULL -> "verify-full";
    };
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Credentials[" + username + "@" + host + ":" + port + "/" + database + "]";
  }
}
