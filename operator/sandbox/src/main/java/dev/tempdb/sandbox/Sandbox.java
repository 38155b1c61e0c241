package dev.tempdb.sandbox;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.testing.KubernetesFixture;
import dev.tempdb.core.testing.PostgresFixture;
import dev.tempdb.core.testing.ProjectFiles;
import dev.tempdb.operator.OperatorApp;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A sandbox: fabric8's mock Kubernetes API server (in-process, CRUD mode, our CRDs applied), an
 * embedded PostgreSQL, and the real operator. It applies a DatabaseServer, the {@code readonly}
 * AccessTarget from {@code targets/} and one TemporaryDbAccess, and narrates the grant, a login
 * with the published credentials, the expiry, the revocation and a refused login afterwards.
 *
 * <p>This is a demonstration environment, not a deployment: the mock API server is not a real
 * kube-apiserver (no RBAC, no schema validation), and nothing survives the process.
 */
public final class Sandbox {
  static final String NS = "tempdb-system";
  static final String REQUESTS = "sandbox";

  private final PrintStream out;
  private final Duration ttl;

  Sandbox(PrintStream out, Duration ttl) {
    this.out = out;
    this.ttl = ttl;
  }

  public static void main(String[] args) throws Exception {
    // Before any logger exists: the sandbox's quiet config, not the operator's.
    System.setProperty("logback.configurationFile", "logback-sandbox.xml");
    boolean keep = false;
    Duration ttl = null;
    for (String arg : args) {
      if (arg.equals("--keep")) {
        keep = true;
      } else if (arg.startsWith("--ttl=")) {
        ttl = Duration.ofSeconds(Long.parseLong(arg.substring(6).replace("s", "")));
      } else {
        System.err.println("usage: Sandbox [--ttl=<seconds>s] [--keep]");
        System.exit(2);
      }
    }
    if (ttl == null) {
      // A short lease shows the whole story; with --keep there is time to use the credentials.
      ttl = keep ? Duration.ofHours(1) : Duration.ofSeconds(15);
    }
    new Sandbox(System.out, ttl).run(keep);
    System.exit(0);
  }

  /** The running sandbox: database, API server and operator, with server and target Ready. */
  record Environment(PostgresFixture pg, KubernetesClient client, OperatorApp operator) {}

  /** Starts everything and applies the control plane; shared with {@link GrantBenchmark}. */
  Environment start() throws Exception {
    say("tempdb-operator SANDBOX: an in-process mock Kubernetes API server (not a real cluster:");
    say("no RBAC, no schema validation), an embedded PostgreSQL, and the real operator.");
    say("Starting embedded PostgreSQL (password authentication on, like a real server)...");
    PostgresFixture pg = PostgresFixture.get();
    pg.superuser("DROP DATABASE IF EXISTS app", "CREATE DATABASE app");
    try (Connection c =
            pg.login("app", PostgresFixture.ADMIN_USER, PostgresFixture.ADMIN_PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id serial PRIMARY KEY, name text)");
      s.execute("INSERT INTO customers (name) VALUES ('Ada'), ('Grace'), ('Barbara')");
    }
    say("  PostgreSQL listening on 127.0.0.1:" + pg.port() + ", database app, table customers.");

    say("Starting the mock Kubernetes API server with the CRDs from crds/ ...");
    KubernetesClient client = KubernetesFixture.get().client();
    // One process against a private API server: no replica to elect against.
    OperatorConfig config =
        OperatorConfig.fromSettings(
            Map.of(
                "TEMPDB_CONTROL_NAMESPACE", NS,
                "TEMPDB_EXPIRED_RETENTION", "10m",
                "TEMPDB_RECHECK_INTERVAL", "5s",
                "TEMPDB_LEADER_ELECTION_ENABLED", "false",
                "TEMPDB_MANAGEMENT_PORT", "0"));
    OperatorApp operator = OperatorApp.start(client, config, Clock.systemUTC(), () -> {});
    say("Operator started (control namespace " + NS + ").");
    say(
        "  Metrics: http://127.0.0.1:"
            + operator.managementPort()
            + "/metrics, probes: /healthz/{startup,live,ready}");

    applyControlPlane(client, pg.port());
    awaitReady(client, DatabaseServer.class, "pg-sandbox");
    say("DatabaseServer pg-sandbox is Ready.");
    awaitReady(client, AccessTarget.class, "readonly");
    say("AccessTarget readonly is Ready (grant SQL from targets/readonly.sql).");
    return new Environment(pg, client, operator);
  }

  /** Runs the whole story; returns normally only if every step behaved as it should. */
  void run(boolean keep) throws Exception {
    Environment env = start();
    PostgresFixture pg = env.pg();
    KubernetesClient client = env.client();
    OperatorApp operator = env.operator();

    TemporaryDbAccess request = sampleRequest();
    client.resource(request).create();
    say(
        "Created TemporaryDbAccess "
            + REQUESTS
            + "/dana for dana.lee@acme-corp.example, target readonly, ttl "
            + request.getSpec().getTtl()
            + ".");
    TemporaryDbAccess active = await(client, t -> phase(t) == Phase.Active, Duration.ofSeconds(30));
    var status = active.getStatus();
    say("  Phase Active: user " + status.getUsername() + ", expires " + status.getExpiresAt());
    say("  " + status.getMessage());

    Map<String, String> creds = credentials(client, status.getCredentials().getKubernetesSecret());
    say(
        "Logging in with the published credentials (Secret "
            + status.getCredentials().getKubernetesSecret()
            + ")...");
    try (Connection c = pg.login("app", creds.get("username"), creds.get("password"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM customers")) {
      rs.next();
      say("  SELECT count(*) FROM customers -> " + rs.getInt(1));
      try {
        s.execute("DELETE FROM customers");
        throw new IllegalStateException("a readonly user could delete rows");
      } catch (SQLException e) {
        say("  DELETE FROM customers -> refused: " + firstLine(e.getMessage()));
      }
    }

    if (keep) {
      say("");
      say("--keep: everything stays up until you press Ctrl-C. These demo credentials are printed");
      say(
          "only because this is a sandbox; the operator itself never logs a password. Connect with:");
      say("  psql '" + creds.get("uri") + "'");
      say("(the access still expires at " + status.getExpiresAt() + ")");
      new CountDownLatch(1).await();
    }

    say("Waiting for the lease to end...");
    TemporaryDbAccess expired = await(client, t -> phase(t) == Phase.Expired, ttl.plusSeconds(30));
    say(
        "  Phase Expired at "
            + expired.getStatus().getRevokedAt()
            + ": "
            + expired.getStatus().getMessage());
    Secret gone =
        client
            .secrets()
            .inNamespace(REQUESTS)
            .withName(status.getCredentials().getKubernetesSecret())
            .get();
    say("  Credentials Secret " + (gone == null ? "deleted." : "STILL PRESENT"));
    try (Connection c = pg.login("app", creds.get("username"), creds.get("password"))) {
      throw new IllegalStateException("the expired credentials still log in");
    } catch (SQLException e) {
      say("  Login with the old password -> refused: " + firstLine(e.getMessage()));
    }
    if (gone != null) {
      throw new IllegalStateException("the credentials Secret outlived the grant");
    }
    operator.close();
    say("Sandbox finished: granted, used, expired and revoked.");
  }

  private void applyControlPlane(KubernetesClient client, int port) throws IOException {
    Secret admin =
        new SecretBuilder()
            .withNewMetadata()
            .withName("pg-sandbox-admin")
            .withNamespace(NS)
            .endMetadata()
            .addToData("username", b64(PostgresFixture.ADMIN_USER))
            .addToData("password", b64(PostgresFixture.ADMIN_PASSWORD))
            .build();
    client.resource(admin).createOr(r -> r.update());
    Path targets = ProjectFiles.topLevel("targets");
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("tempdb-targets")
                .withNamespace(NS)
                .endMetadata()
                .addToData("readonly.sql", Files.readString(targets.resolve("readonly.sql")))
                .build())
        .createOr(r -> r.update());
    apply(
        client,
        DatabaseServer.class,
        """
        apiVersion: tempdb.dev/v1alpha1
        kind: DatabaseServer
        metadata: {name: pg-sandbox, namespace: tempdb-system}
        spec:
          engine: postgresql
          host: 127.0.0.1
          port: %d
          database: app
          adminCredentials: {secretName: pg-sandbox-admin}
          tls: {mode: disable}
        """
            .formatted(port));
    apply(
        client,
        AccessTarget.class,
        """
        apiVersion: tempdb.dev/v1alpha1
        kind: AccessTarget
        metadata: {name: readonly, namespace: tempdb-system}
        spec:
          server: pg-sandbox
          grant: {configMapKeyRef: {name: tempdb-targets, key: readonly.sql}}
          defaultTtl: 1h
          maxTtl: 8h
        """);
  }

  private TemporaryDbAccess sampleRequest() {
    return KubernetesFixture.get()
        .client()
        .getKubernetesSerialization()
        .unmarshal(
            """
            apiVersion: tempdb.dev/v1alpha1
            kind: TemporaryDbAccess
            metadata: {name: dana, namespace: sandbox}
            spec:
              target: readonly
              requester: dana.lee@acme-corp.example
              reason: Sandbox walkthrough
              ttl: %ds
            """
                .formatted(ttl.toSeconds()),
            TemporaryDbAccess.class);
  }

  private static <T extends HasMetadata> void apply(
      KubernetesClient client, Class<T> type, String yaml) {
    client
        .resource(client.getKubernetesSerialization().unmarshal(yaml, type))
        .createOr(r -> r.update());
  }

  private static <T extends HasMetadata> void awaitReady(
      KubernetesClient client, Class<T> type, String name) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              T r = client.resources(type).inNamespace(NS).withName(name).get();
              Object status = r == null ? null : r.getClass().getMethod("getStatus").invoke(r);
              if (status == null) {
                return false;
              }
              @SuppressWarnings("unchecked")
              var conditions =
                  (java.util.List<io.fabric8.kubernetes.api.model.Condition>)
                      status.getClass().getMethod("getConditions").invoke(status);
              return Conditions.isTrue(conditions, Conditions.READY);
            });
  }

  private static TemporaryDbAccess await(
      KubernetesClient client, Predicate<TemporaryDbAccess> condition, Duration atMost) {
    return Awaitility.await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                client
                    .resources(TemporaryDbAccess.class)
                    .inNamespace(REQUESTS)
                    .withName("dana")
                    .get(),
            t -> t != null && condition.test(t));
  }

  private static Map<String, String> credentials(KubernetesClient client, String secret) {
    Map<String, String> out = new java.util.HashMap<>();
    client
        .secrets()
        .inNamespace(REQUESTS)
        .withName(secret)
        .get()
        .getData()
        .forEach(
            (k, v) ->
                out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }

  private static Phase phase(TemporaryDbAccess t) {
    return t.getStatus() == null ? null : t.getStatus().getPhase();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
