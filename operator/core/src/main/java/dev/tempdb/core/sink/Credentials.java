package dev.tempdb.core.sink;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.TlsParameters;
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

  /**
   * e.g. {@code postgresql://user:pass@db.example:5432/app?sslmode=require} or {@code
   * mysql://user:pass@db.example:3306/app?ssl-mode=REQUIRED} (MariaDB too: clients know mysql://).
   */
  public String uri() {
    return (engine == Engine.POSTGRESQL ? "postgresql" : "mysql")
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
        + "?"
        + (engine == Engine.POSTGRESQL ? "sslmode=" : "ssl-mode=")
        + tlsParameter()
        + (needsServerPublicKey() ? "&get-server-public-key=true" : "");
  }

  /**
   * MySQL 8's caching_sha2_password over plain TCP: until the server has cached the user's hash
   * (that is, at a new user's first login) the client must encrypt the password with the server's
   * RSA public key, and Connector/J and the mysql client fetch it only when told to. Without TLS a
   * man in the middle could hand over a key of its own, but without TLS it reads the whole session
   * anyway; with TLS the password travels inside it and no key is needed.
   */
  private boolean needsServerPublicKey() {
    return engine == Engine.MYSQL && TlsParameters.orDefault(tlsMode) == TlsMode.DISABLE;
  }

  /**
   * e.g. {@code jdbc:postgresql://db.example:5432/app?user=...&password=...&sslmode=require}, in
   * the URL syntax of each engine's own driver (pgJDBC, MySQL Connector/J, MariaDB Connector/J).
   */
  public String jdbcUrl() {
    String tls =
        switch (engine) {
          case POSTGRESQL -> "&sslmode=" + tlsParameter();
          case MYSQL -> "&sslMode=" + tlsParameter();
          case MARIADB -> "&sslMode=" + mariaDbConnectorSslMode();
        };
    return "jdbc:"
        + engine.name().toLowerCase(Locale.ROOT)
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
        + tls
        + (needsServerPublicKey() ? "&allowPublicKeyRetrieval=true" : "");
  }

  /** libpq's sslmode, or the MySQL clients' ssl-mode. */
  private String tlsParameter() {
    return engine == Engine.POSTGRESQL
        ? TlsParameters.libpq(tlsMode)
        : TlsParameters.mysql(tlsMode);
  }

  private String mariaDbConnectorSslMode() {
    return TlsParameters.mariaDbConnector(tlsMode);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Credentials[" + username + "@" + host + ":" + port + "/" + database + "]";
  }
}
