package dev.tempdb.operator.servers;

import dev.tempdb.api.v1alpha1.ConnectionSettings;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DatabaseServerSpec;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.KeyRef;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.EndpointNames;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.InvalidEndpointException;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.lease.Durations;
import dev.tempdb.core.sink.Credentials;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One open {@link DatabaseEngine} (with its connection pool) per DatabaseServer. An engine is
 * reopened when the server's spec or its admin Secret changes, and the old pool is closed.
 */
public final class ServerRegistry implements Engines, AutoCloseable {
  private static final Pattern USER_PREFIX =
      Pattern.compile(DatabaseServerSpec.USER_PREFIX_PATTERN);
  private static final Pattern ROLE = Pattern.compile(DatabaseServerSpec.ROLE_PATTERN);

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Entry> engines = new ConcurrentHashMap<>();

  private record Entry(String specVersion, String secretVersion, DatabaseEngine engine) {}

  public ServerRegistry(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** The engine for a server, opened on first use. Does not re-read the admin Secret. */
  public DatabaseEngine engineFor(DatabaseServer server) {
    Entry entry = engines.get(key(server));
    if (entry != null && entry.specVersion().equals(specVersion(server))) {
      return entry.engine();
    }
    return refresh(server);
  }

  /**
   * Re-reads the admin Secret and reopens the engine if anything changed.
   *
   * @throws ServerConfigException {@link Reasons#INVALID_SPEC} before any connection or API call
   *     when the host, port or database cannot name a server; the engine of an earlier spec is
   *     closed then, so nothing keeps using it
   */
  public synchronized DatabaseEngine refresh(DatabaseServer server) {
    try {
      checkSpec(server.getSpec());
    } catch (ServerConfigException e) {
      Entry stale = engines.remove(key(server));
      if (stale != null) {
        stale.engine().close();
      }
      throw e;
    }
    Secret secret = adminSecret(server);
    String secretVersion = secret.getMetadata().getResourceVersion();
    Entry current = engines.get(key(server));
    if (current != null
        && current.specVersion().equals(specVersion(server))
        && current.secretVersion().equals(secretVersion)) {
      return current.engine();
    }
    DatabaseEngine engine = open(server, secret);
    engines.put(key(server), new Entry(specVersion(server), secretVersion, engine));
    if (current != null) {
      current.engine().close();
    }
    return engine;
  }

  /** Closes the engines (and pools) of servers that no longer exist. */
  public void retainOnly(Collection<DatabaseServer> existing) {
    Set<String> keep = existing.stream().map(ServerRegistry::key).collect(Collectors.toSet());
    for (String key : List.copyOf(engines.keySet())) {
      if (!keep.contains(key)) {
        Entry entry = engines.remove(key);
        if (entry != null) {
          entry.engine().close();
        }
      }
    }
  }

  /**
   * What a requester receives: the published host and port, which may differ from ours. On MySQL
   * and MariaDB no database: there a database in the login is a USE, refused (error 1044) unless
   * the user holds a privilege in it, and the server's database is the admin's (grant SQL and the
   * expiry events run there) while targets grant on any other. Requesters name the database in
   * their queries; PostgreSQL logins need one, and get the server's.
   */
  public static Credentials credentials(
      DatabaseServer server, String username, String password, Instant expiresAt) {
    DatabaseServerSpec spec = server.getSpec();
    String host = spec.getPublishedHost() != null ? spec.getPublishedHost() : spec.getHost();
    int port = spec.getPublishedPort() != null ? spec.getPublishedPort() : port(spec);
    return new Credentials(
        spec.getEngine(),
        host,
        port,
        spec.getEngine() == Engine.POSTGRESQL ? spec.getDatabase() : "",
        username,
        password,
        expiresAt,
        tlsMode(spec));
  }

  @Override
  public void close() {
    engines.values().forEach(e -> e.engine().close());
    engines.clear();
  }

  private DatabaseEngine open(DatabaseServer server, Secret secret) {
    DatabaseServerSpec spec = server.getSpec();
    var admin = spec.getAdminCredentials();
    ConnectionSettings conn =
        spec.getConnection() != null ? spec.getConnection() : new ConnectionSettings();
    ServerEndpoint endpoint =
        new ServerEndpoint(
            key(server),
            spec.getEngine(),
            spec.getHost(),
            port(spec),
            spec.getDatabase(),
            secretValue(server, secret, admin.getUsernameKey()),
            secretValue(server, secret, admin.getPasswordKey()),
            tlsMode(spec),
            caPem(server),
            Durations.parse(conn.getConnectTimeout(), "spec.connection.connectTimeout"),
            Durations.parse(conn.getStatementTimeout(), "spec.connection.statementTimeout"),
            conn.getMaxConnections(),
            spec.getReassignOwnedTo());
    try {
      return DatabaseEngines.open(endpoint, clock);
    } catch (InvalidEndpointException e) {
      throw new ServerConfigException(Reasons.INVALID_SPEC, e.getMessage());
    } catch (EngineException e) {
      if (e.isPermanent()) {
        throw new ServerConfigException(Reasons.INVALID_CA, e.getMessage());
      }
      throw e;
    }
  }

  /**
   * The mock API server in tests, and a cluster whose CRD is older than this operator, do not
   * enforce the CRD's patterns, so the operator checks the same rules itself.
   *
   * @throws ServerConfigException {@link Reasons#INVALID_SPEC} naming every field that is wrong
   */
  static void checkSpec(DatabaseServerSpec spec) {
    List<String> problems = new ArrayList<>();
    EndpointNames.checkHost("spec.host", spec.getHost()).ifPresent(problems::add);
    if (spec.getPort() != null) {
      EndpointNames.checkPort("spec.port", spec.getPort()).ifPresent(problems::add);
    }
    EndpointNames.checkDatabase("spec.database", spec.getDatabase()).ifPresent(problems::add);
    if (spec.getPublishedHost() != null) {
      EndpointNames.checkHost("spec.publishedHost", spec.getPublishedHost())
          .ifPresent(problems::add);
    }
    if (spec.getPublishedPort() != null) {
      EndpointNames.checkPort("spec.publishedPort", spec.getPublishedPort())
          .ifPresent(problems::add);
    }
    if (spec.getUserPrefix() == null || !USER_PREFIX.matcher(spec.getUserPrefix()).matches()) {
      // An empty prefix would let the orphan sweep take any user of the right shape for its own.
      problems.add(
          "spec.userPrefix must be 2 to 9 characters of a-z, 0-9 and _, starting with a letter and"
              + " ending with _, e.g. tdb_");
    }
    if (spec.getReassignOwnedTo() != null && !ROLE.matcher(spec.getReassignOwnedTo()).matches()) {
      problems.add(
          "spec.reassignOwnedTo must be a role name (letters, digits, _, $ and -, starting with a"
              + " letter or _), or be left out for the operator's own tempdb_orphans");
    }
    if (!problems.isEmpty()) {
      throw new ServerConfigException(Reasons.INVALID_SPEC, String.join("; ", problems));
    }
  }

  private Secret adminSecret(DatabaseServer server) {
    String name = server.getSpec().getAdminCredentials().getSecretName();
    Secret secret =
        client.secrets().inNamespace(server.getMetadata().getNamespace()).withName(name).get();
    if (secret == null) {
      throw new ServerConfigException(
          Reasons.SECRET_NOT_FOUND,
          "admin Secret "
              + name
              + " not found in namespace "
              + server.getMetadata().getNamespace()
              + "; create it or fix spec.adminCredentials.secretName");
    }
    return secret;
  }

  private static String secretValue(DatabaseServer server, Secret secret, String key) {
    String encoded = secret.getData() == null ? null : secret.getData().get(key);
    String plain = secret.getStringData() == null ? null : secret.getStringData().get(key);
    if (encoded == null && plain == null) {
      throw new ServerConfigException(
          Reasons.SECRET_NOT_FOUND,
          "admin Secret "
              + secret.getMetadata().getName()
              + " has no key '"
              + key
              + "'; add it or fix spec.adminCredentials of DatabaseServer "
              + server.getMetadata().getName());
    }
    return encoded != null
        ? new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8)
        : plain;
  }

  private String caPem(DatabaseServer server) {
    var tls = server.getSpec().getTls();
    KeyRef ref = tls == null ? null : tls.getCaConfigMap();
    if (ref == null) {
      return null;
    }
    ConfigMap cm =
        client
            .configMaps()
            .inNamespace(server.getMetadata().getNamespace())
            .withName(ref.getName())
            .get();
    String pem = cm == null || cm.getData() == null ? null : cm.getData().get(ref.getKey());
    if (pem == null) {
      throw new ServerConfigException(
          Reasons.CA_NOT_FOUND, ref + " (spec.tls.caConfigMap) not found");
    }
    return pem;
  }

  static int port(DatabaseServerSpec spec) {
    if (spec.getPort() != null) {
      return spec.getPort();
    }
    return spec.getEngine() == Engine.POSTGRESQL ? 5432 : 3306;
  }

  private static TlsMode tlsMode(DatabaseServerSpec spec) {
    return spec.getTls() == null || spec.getTls().getMode() == null
        ? TlsMode.REQUIRE
        : spec.getTls().getMode();
  }

  private static String key(DatabaseServer server) {
    return server.getMetadata().getNamespace() + "/" + server.getMetadata().getName();
  }

  private static String specVersion(DatabaseServer server) {
    return server.getMetadata().getUid() + ":" + server.getMetadata().getGeneration();
  }
}
