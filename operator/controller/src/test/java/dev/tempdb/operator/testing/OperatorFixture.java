package dev.tempdb.operator.testing;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.AccessTargetSpec;
import dev.tempdb.api.v1alpha1.AdminCredentials;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DatabaseServerSpec;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.SqlSource;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessSpec;
import dev.tempdb.api.v1alpha1.Tls;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.testing.KubernetesFixture;
import dev.tempdb.core.testing.PostgresFixture;
import dev.tempdb.operator.OperatorApp;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The whole operator as it runs in production (real JOSDK, real reconcilers) against the mock API
 * server and real databases: the DatabaseServer {@code pg} (PostgreSQL) always, and one per {@link
 * TestDatabase} a test asks for with {@link #server}.
 */
public final class OperatorFixture implements AutoCloseable {
  public static final String CONTROL_NS = "tempdb-system";
  public static final String REQUESTS_NS = "team-a";
  public static final String SERVER = "pg";
  public static final Duration RETENTION = Duration.ofSeconds(6);

  /** The host every DatabaseServer of the tests publishes; it is 127.0.0.1 in truth. */
  public static final String PUBLISHED_HOST = "db.example.internal";

  private final KubernetesClient client;
  private final KubernetesClient operatorClient;
  private final PostgresFixture postgres;
  private final OperatorConfig config;
  private OperatorApp app;

  public OperatorFixture() {
    this(UnaryOperator.identity());
  }

  /**
   * @param customise changes to the test configuration, e.g. enabling AWS delivery
   */
  public OperatorFixture(UnaryOperator<OperatorConfig> customise) {
    this(customise, null);
  }

  /**
   * @param operatorUserAgent when not null, the operator gets a client of its own that names itself
   *     so in every request ({@link KubernetesFixture#requestsFrom}); the test's helpers keep the
   *     shared client
   */
  public OperatorFixture(UnaryOperator<OperatorConfig> customise, String operatorUserAgent) {
    client = KubernetesFixture.get().client();
    operatorClient =
        operatorUserAgent == null ? client : KubernetesFixture.get().clientNamed(operatorUserAgent);
    postgres = PostgresFixture.get();
    config = customise.apply(testConfig());
    server(new PostgresTestDatabase());
    start();
  }

  /**
   * The tests' settings, read the way the operator reads its own: one replica without leader
   * election, tests run the sweep themselves, metrics and health on a free port.
   */
  public static OperatorConfig testConfig() {
    return testConfig(Map.of());
  }

  /** {@link #testConfig()} with some settings changed. */
  public static OperatorConfig testConfig(Map<String, String> overrides) {
    Map<String, String> settings =
        new java.util.HashMap<>(
            Map.of(
                "TEMPDB_CONTROL_NAMESPACE", CONTROL_NS,
                "TEMPDB_EXPIRED_RETENTION", RETENTION.toSeconds() + "s",
                "TEMPDB_SWEEP_INTERVAL", "1h",
                "TEMPDB_SWEEP_GRACE", "0",
                "TEMPDB_RECHECK_INTERVAL", "2s",
                "TEMPDB_LEADER_ELECTION_ENABLED", "false",
                "TEMPDB_MANAGEMENT_PORT", "0"));
    settings.putAll(overrides);
    return OperatorConfig.fromSettings(settings);
  }

  public void start() {
    // Only used when a test enables AWS delivery; the Secrets Manager double checks the signature
    // scope, not the key.
    app =
        OperatorApp.start(
            operatorClient,
            config,
            Clock.systemUTC(),
            () -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")),
            () -> {});
  }

  /** Stops the operator as a crash would leave things: no cleanup runs. */
  public void stop() {
    app.close();
  }

  public OperatorApp app() {
    return app;
  }

  public KubernetesClient client() {
    return client;
  }

  public PostgresFixture postgres() {
    return postgres;
  }

  @Override
  public void close() {
    app.close();
    if (operatorClient != client) {
      operatorClient.close();
    }
  }

  /**
   * Creates (or replaces) the DatabaseServer named {@link TestDatabase#key()} and its admin Secret,
   * publishing host db.example.internal.
   */
  public TestDatabase server(TestDatabase db) {
    if (client.resources(DatabaseServer.class).inNamespace(CONTROL_NS).withName(db.key()).get()
        != null) {
      // Same spec as before (one database per test JVM); rewriting it would race the operator's
      // own status updates.
      return db;
    }
    Secret admin =
        new SecretBuilder()
            .withNewMetadata()
            .withName(db.key() + "-admin")
            .withNamespace(CONTROL_NS)
            .endMetadata()
            .addToData("username", b64(db.adminUser()))
            .addToData("password", b64(db.adminPassword()))
            .build();
    client.resource(admin).createOr(r -> r.update());
    DatabaseServerSpec spec = new DatabaseServerSpec();
    spec.setEngine(db.engine());
    spec.setHost("127.0.0.1");
    spec.setPort(db.port());
    spec.setDatabase(db.database());
    AdminCredentials creds = new AdminCredentials();
    creds.setSecretName(db.key() + "-admin");
    spec.setAdminCredentials(creds);
    Tls tls = new Tls();
    tls.setMode(TlsMode.DISABLE);
    spec.setTls(tls);
    spec.setPublishedHost(PUBLISHED_HOST);
    DatabaseServer server = new DatabaseServer();
    server.setMetadata(
        new ObjectMetaBuilder().withName(db.key()).withNamespace(CONTROL_NS).build());
    server.setSpec(spec);
    client.resource(server).createOr(r -> r.update());
    return db;
  }

  /** Creates (or replaces) an AccessTarget on the {@code pg} server and waits until it is Ready. */
  public AccessTarget target(String name, String grantSql, String revokeSql, String maxTtl) {
    return target(SERVER, name, grantSql, revokeSql, maxTtl);
  }

  /** Creates (or replaces) an AccessTarget on a server and waits until it is Ready. */
  public AccessTarget target(
      String server, String name, String grantSql, String revokeSql, String maxTtl) {
    return target(server, name, grantSql, revokeSql, maxTtl, null);
  }

  /** As above, publishing credentials where {@code delivery} says (null: the default). */
  public AccessTarget target(
      String server,
      String name,
      String grantSql,
      String revokeSql,
      String maxTtl,
      List<DeliveryMethod> delivery) {
    AccessTargetSpec spec = new AccessTargetSpec();
    spec.setDelivery(delivery);
    spec.setServer(server);
    spec.setGrant(SqlSource.inline(grantSql));
    if (revokeSql != null) {
      spec.setRevoke(SqlSource.inline(revokeSql));
    }
    spec.setMaxTtl(maxTtl);
    return target(name, spec);
  }

  /** Creates (or replaces) an AccessTarget with this spec and waits until it is Ready. */
  public AccessTarget target(String name, AccessTargetSpec spec) {
    AccessTarget target = new AccessTarget();
    target.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(CONTROL_NS).build());
    target.setSpec(spec);
    client.resource(target).createOr(r -> r.update());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              AccessTarget t =
                  client.resources(AccessTarget.class).inNamespace(CONTROL_NS).withName(name).get();
              return t != null
                  && t.getStatus() != null
                  && t.getMetadata().getGeneration().equals(t.getStatus().getObservedGeneration())
                  && Conditions.isTrue(t.getStatus().getConditions(), Conditions.READY);
            });
    return target;
  }

  public TemporaryDbAccess request(String name, String target, String requester, String ttl) {
    return request(name, target, requester, ttl, spec -> {});
  }

  public TemporaryDbAccess request(
      String name,
      String target,
      String requester,
      String ttl,
      Consumer<TemporaryDbAccessSpec> customise) {
    TemporaryDbAccessSpec spec = new TemporaryDbAccessSpec();
    spec.setTarget(target);
    spec.setRequester(requester);
    spec.setReason("integration test");
    spec.setTtl(ttl);
    customise.accept(spec);
    TemporaryDbAccess tda = new TemporaryDbAccess();
    tda.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(REQUESTS_NS).build());
    tda.setSpec(spec);
    return client.resource(tda).create();
  }

  public TemporaryDbAccess get(String name) {
    return client.resources(TemporaryDbAccess.class).inNamespace(REQUESTS_NS).withName(name).get();
  }

  public TemporaryDbAccess awaitPhase(String name, Phase phase) {
    return awaitRequest(name, t -> t.getStatus() != null && t.getStatus().getPhase() == phase);
  }

  public TemporaryDbAccess awaitRequest(String name, Predicate<TemporaryDbAccess> condition) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> get(name), t -> t != null && condition.test(t));
  }

  /** Events are written in the background: wait for one, then return all of the request's. */
  public List<Event> awaitEvent(String name, String reason) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> eventsFor(name),
            events -> events.stream().anyMatch(e -> reason.equals(e.getReason())));
  }

  public List<Event> eventsFor(String name) {
    return client.v1().events().inNamespace(REQUESTS_NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  public void awaitGone(String name) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(name) == null);
  }

  public Secret secret(String name) {
    return client.secrets().inNamespace(REQUESTS_NS).withName(name).get();
  }

  /** The password published for an Active request, as its requester would read it. */
  public String publishedPassword(TemporaryDbAccess active) {
    return decode(secret(active.getStatus().getCredentials().getKubernetesSecret()))
        .get("password");
  }

  /**
   * Logs in with a published {@code jdbcUrl} as the requester's client would, its host reached at
   * 127.0.0.1. Only the drivers of PostgreSQL and MySQL are on the test class path.
   */
  public static Connection loginWithPublishedUrl(String jdbcUrl) throws SQLException {
    String published = "//" + PUBLISHED_HOST + ":";
    if (!jdbcUrl.contains(published)) {
      // Not the URL itself: it holds the password.
      throw new IllegalArgumentException("the jdbcUrl does not name the host " + PUBLISHED_HOST);
    }
    return DriverManager.getConnection(jdbcUrl.replace(published, "//127.0.0.1:"));
  }

  public static Map<String, String> decode(Secret secret) {
    return secret.getData().entrySet().stream()
        .collect(
            java.util.stream.Collectors.toMap(
                Map.Entry::getKey,
                e -> new String(Base64.getDecoder().decode(e.getValue()), StandardCharsets.UTF_8)));
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
