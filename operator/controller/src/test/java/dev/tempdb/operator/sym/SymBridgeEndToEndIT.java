package dev.tempdb.operator.sym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tempdb.api.v1alpha1.AccessTargetSpec;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.UserMapping;
import dev.tempdb.core.sink.aws.AwsSecretsManagerSettings;
import dev.tempdb.core.testing.ProjectFiles;
import dev.tempdb.core.testing.SecretsManagerDouble;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.TestDatabase;
import dev.tempdb.sym.BridgeSettings;
import dev.tempdb.sym.SymBridge;
import dev.tempdb.sym.lambda.SymLambdaHandler;
import dev.tempdb.sym.webhook.SymWebhookServer;
import dev.tempdb.sym.webhook.WebhookSettings;
import dev.tempdb.sym.webhook.WebhookSignature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sym's payloads through the Lambda handler and the signed webhook, against the real operator, real
 * PostgreSQL (and MySQL 8 for one grant), the mock API server and the Secrets Manager double: the
 * secret named in the answer holds credentials that log in, and the de-escalate removes the user
 * and the secret.
 */
class SymBridgeEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NS = OperatorFixture.REQUESTS_NS;
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  static SecretsManagerDouble aws;
  static OperatorFixture op;
  static TestDatabase db = TestDatabase.of(Engine.POSTGRESQL);
  static SymLambdaHandler lambda;
  static SymWebhookServer webhook;

  @BeforeAll
  static void start() throws Exception {
    aws = SecretsManagerDouble.start();
    AwsSecretsManagerSettings settings = aws.operatorSettings();
    op = new OperatorFixture(config -> config.withAws(settings));
    readonlyTarget(db, "sym-readonly");
    BridgeSettings bridge = bridgeTo("sym-readonly");
    lambda = new SymLambdaHandler(() -> new SymBridge(op.client(), bridge));
    webhook =
        SymWebhookServer.startLocal(
            new SymBridge(op.client(), bridge),
            new WebhookSettings(0, NS, "unused", "hmac-key", Duration.ofMinutes(5), 65536),
            () -> List.of(KEY),
            Clock.systemUTC());
  }

  /** An AccessTarget reading the table orders.items (one row) of the server, delivered to AWS. */
  private static void readonlyTarget(TestDatabase server, String name) {
    server.recreateSchema("orders", "items (id int PRIMARY KEY)");
    server.admin("INSERT INTO orders.items VALUES (1)");
    op.target(
        server.key(),
        name,
        server.readonlySql("orders"),
        null,
        "8h",
        List.of(DeliveryMethod.AwsSecretsManager));
  }

  /** The Sym target in the samples is "readonly"; here it maps to one of this test's targets. */
  private static BridgeSettings bridgeTo(String accessTarget) {
    return BridgeSettings.of(NS)
        .withTargets(java.util.Map.of("readonly", accessTarget))
        .withWaitTimeout(Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() {
    webhook.close();
    op.close();
    aws.close();
  }

  private static ObjectNode sample(String file, String runId) throws Exception {
    ObjectNode event =
        (ObjectNode)
            JSON.readTree(
                Files.readAllBytes(ProjectFiles.topLevel("samples").resolve("sym").resolve(file)));
    ((ObjectNode) event.get("run")).put("srn", "acme-corp:run:db_access:2.0.0:" + runId);
    return event;
  }

  private static JsonNode invoke(JsonNode event) throws Exception {
    return invoke(lambda, event);
  }

  private static JsonNode invoke(SymLambdaHandler handler, JsonNode event) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
    return JSON.readTree(out.toByteArray());
  }

  private static HttpResponse<String> post(byte[] body, Long timestamp, String signature)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + webhook.port() + SymWebhookServer.PATH))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (timestamp != null) {
      request.header(WebhookSignature.TIMESTAMP_HEADER, timestamp.toString());
      request.header(WebhookSignature.SIGNATURE_HEADER, signature);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postSigned(JsonNode event) throws Exception {
    byte[] body = JSON.writeValueAsBytes(event);
    long now = System.currentTimeMillis() / 1000;
    return post(body, now, WebhookSignature.sign(KEY, now, body));
  }

  private static List<TemporaryDbAccess> grantsOfRun(String runId) {
    return op.client().resources(TemporaryDbAccess.class).inNamespace(NS).list().getItems().stream()
        .filter(t -> t.getMetadata().getName().equals("sym-" + runId))
        .toList();
  }

  @Test
  void escalateToARoleGrantTargetAnswersTheUsernameAndDeescalateRevokesTheRole() throws Exception {
    db.createLoginUser("sym_dana_lee", "Own-Password-1");
    db.createReadRole("orders_reader", "orders");
    AccessTargetSpec spec = new AccessTargetSpec();
    spec.setServer(db.key());
    spec.setStrategy(Strategy.RoleGrant);
    spec.setRoles(List.of("orders_reader"));
    UserMapping mapping = new UserMapping();
    mapping.setReplace(List.of(new UserMapping.Replacement(".", "_")));
    mapping.setPrefix("sym_");
    spec.setUserMapping(mapping);
    op.target("sym-role", spec);
    SymLambdaHandler roleLambda =
        new SymLambdaHandler(
            () ->
                new SymBridge(
                    op.client(),
                    BridgeSettings.of(NS)
                        .withTargets(java.util.Map.of("readonly", "sym-role"))
                        // Forced AWS delivery must not stop a grant that publishes nothing.
                        .withDelivery(List.of(DeliveryMethod.AwsSecretsManager))
                        .withWaitTimeout(Duration.ofSeconds(15))));
    String run = UUID.randomUUID().toString();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    roleLambda.handleRequest(
        new ByteArrayInputStream(JSON.writeValueAsBytes(sample("escalate-readonly.json", run))),
        out,
        null);
    JsonNode answer = JSON.readTree(out.toByteArray());

    assertThat(answer.path("errors")).isEmpty();
    JsonNode body = answer.path("body");
    assertThat(body.path("username").asText()).isEqualTo("sym_dana_lee");
    assertThat(body.path("roles").asText()).isEqualTo("orders_reader");
    assertThat(body.has("secret_name")).as("nothing was published").isFalse();
    try (Connection c = db.login("sym_dana_lee", "Own-Password-1");
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM orders.items")) {
      assertThat(rs.next()).isTrue();
    }

    out.reset();
    roleLambda.handleRequest(
        new ByteArrayInputStream(JSON.writeValueAsBytes(sample("deescalate-readonly.json", run))),
        out,
        null);
    assertThat(JSON.readTree(out.toByteArray()).path("errors")).isEmpty();
    try (Connection c = db.login("sym_dana_lee", "Own-Password-1")) {
      assertThatThrownBy(() -> c.createStatement().executeQuery("SELECT 1 FROM orders.items"))
          .hasMessageContaining(db.permissionDenied());
    }
    assertThat(grantsOfRun(run)).isEmpty();
  }

  @Test
  void escalateThroughLambdaGivesASecretThatLogsInAndDeescalateRemovesEverything()
      throws Exception {
    String run = UUID.randomUUID().toString();

    JsonNode answer = invoke(sample("escalate-readonly.json", run));

    assertThat(answer.path("errors")).isEmpty();
    JsonNode body = answer.path("body");
    String secretName = body.path("secret_name").asText();
    assertThat(secretName).isEqualTo("tempdb/dana.lee@acme-corp.example/" + run);
    assertThat(body.path("secret_arn").asText())
        .isEqualTo(aws.secret(secretName).orElseThrow().arn());
    assertThat(body.path("expires_at").asText()).isNotBlank();
    assertThat(answer.toString()).doesNotContain("password");
    assertThat(aws.secret(secretName).orElseThrow().tags())
        .containsEntry("sym.user", "dana.lee@acme-corp.example");
    JsonNode value =
        JSON.readTree(aws.secret(secretName).orElseThrow().currentValue().orElseThrow());
    String username = value.path("username").asText();
    assertThat(body.path("username").asText()).isEqualTo(username);
    try (Connection c = db.login(username, value.path("password").asText())) {
      assertThat(c.createStatement().executeQuery("SELECT id FROM orders.items").next()).isTrue();
    }
    TemporaryDbAccess grant = grantsOfRun(run).get(0);
    assertThat(grant.getSpec().getTtl()).isEqualTo("30m");
    assertThat(grant.getMetadata().getAnnotations())
        .containsEntry("sym.tempdb.dev/approver", "sam.ortiz@acme-corp.example");

    JsonNode revoked = invoke(sample("deescalate-readonly.json", run));

    assertThat(revoked.path("errors")).isEmpty();
    assertThat(revoked.path("body").size()).isZero();
    assertThat(grantsOfRun(run)).isEmpty();
    assertThat(db.userExists(username)).isFalse();
    assertThat(aws.secret(secretName).map(s -> s.deletionDate() != null).orElse(true)).isTrue();
  }

  /**
   * MySQL 8 (8.0.15, below 8.0.21: users marked in tempdb_operator.managed_users) through the
   * Lambda, for a requester whose email's local part (41 characters) is longer than a MySQL user
   * name may be: the user is cut to 32 characters, which the server itself accepts.
   */
  @Test
  void onMySqlALongRequesterGetsAUserWithinItsLimitAndDeescalateRemovesEverything()
      throws Exception {
    TestDatabase mysql = op.server(TestDatabase.of(Engine.MYSQL));
    readonlyTarget(mysql, "sym-mysql");
    BridgeSettings bridge = bridgeTo("sym-mysql");
    SymLambdaHandler mysqlLambda = new SymLambdaHandler(() -> new SymBridge(op.client(), bridge));
    String requester = "alexandria.konstantinopoulou-vandenberghe@acme-corp.example";
    String run = UUID.randomUUID().toString();
    ObjectNode escalate = sample("escalate-readonly.json", run);
    ((ObjectNode) escalate.at("/run/actors/request")).put("username", requester);
    ObjectNode deescalate = sample("deescalate-readonly.json", run);
    ((ObjectNode) deescalate.at("/run/actors/request")).put("username", requester);

    JsonNode answer = invoke(mysqlLambda, escalate);

    assertThat(answer.path("errors")).isEmpty();
    JsonNode body = answer.path("body");
    String secretName = body.path("secret_name").asText();
    assertThat(secretName).isEqualTo("tempdb/" + requester + "/" + run);
    JsonNode value =
        JSON.readTree(aws.secret(secretName).orElseThrow().currentValue().orElseThrow());
    String username = value.path("username").asText();
    assertThat(body.path("username").asText()).isEqualTo(username);
    assertThat(username).startsWith("tdb_alexandria_konstant_").hasSize(32);
    assertThat(value.path("engine").asText()).isEqualTo("mysql");
    assertThat(value.path("port").asText()).isEqualTo(Integer.toString(mysql.port()));
    // The published URL first: at a new user's first login over plain TCP, caching_sha2_password
    // needs the server's RSA key, which the URL must let the client fetch.
    try (Connection c = OperatorFixture.loginWithPublishedUrl(value.path("jdbcUrl").asText());
        var rs = c.createStatement().executeQuery("SELECT CURRENT_USER(), id FROM orders.items")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(username + "@%");
    }
    try (Connection c = mysql.login(username, value.path("password").asText())) {
      assertThat(c.isValid(2)).isTrue();
    }

    JsonNode revoked = invoke(mysqlLambda, deescalate);

    assertThat(revoked.path("errors")).isEmpty();
    assertThat(grantsOfRun(run)).isEmpty();
    assertThat(mysql.userExists(username)).isFalse();
    assertThat(aws.secret(secretName).map(s -> s.deletionDate() != null).orElse(true)).isTrue();
  }

  @Test
  void aRepeatedEscalateReturnsTheSameGrantAndCreatesNoSecond() throws Exception {
    String run = UUID.randomUUID().toString();

    JsonNode first = invoke(sample("escalate-readonly.json", run));
    JsonNode again = invoke(sample("escalate-readonly.json", run));

    assertThat(first.path("errors")).isEmpty();
    assertThat(again).isEqualTo(first);
    assertThat(grantsOfRun(run)).hasSize(1);
    assertThat(db.usersStartingWith(first.at("/body/username").asText())).hasSize(1);
    invoke(sample("deescalate-readonly.json", run));
  }

  @Test
  void anUnknownTargetIsAnErrorPeopleCanActOnAndLeavesNothing() throws Exception {
    String run = UUID.randomUUID().toString();
    ObjectNode event = sample("escalate-readonly.json", run);
    ((ObjectNode) event.at("/fields/target")).put("name", "no-such-target");

    JsonNode answer = invoke(event);

    assertThat(answer.path("errors")).hasSize(1);
    assertThat(answer.path("errors").get(0).asText())
        .startsWith(
            "Access to no-such-target was not granted: AccessTarget no-such-target does not exist");
    assertThat(answer.path("body").size()).isZero();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> grantsOfRun(run).isEmpty());
  }

  @Test
  void aDurationAboveTheTargetsMaximumIsRefusedAndWithdrawn() throws Exception {
    String run = UUID.randomUUID().toString();
    ObjectNode event = sample("escalate-readonly.json", run);
    ((ObjectNode) event.get("fields")).put("duration", "2d");

    JsonNode answer = invoke(event);

    assertThat(answer.path("errors").get(0).asText())
        .startsWith("Access to sym-readonly was not granted:")
        .contains("8h");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> grantsOfRun(run).isEmpty());
  }

  @Test
  void aDeescalateWithoutAnEscalateSucceeds() throws Exception {
    JsonNode answer = invoke(sample("deescalate-readonly.json", UUID.randomUUID().toString()));

    assertThat(answer.path("errors")).isEmpty();
  }

  @Test
  void theSignedWebhookGrantsAndRevokesLikeTheLambda() throws Exception {
    String run = UUID.randomUUID().toString();

    HttpResponse<String> granted = postSigned(sample("escalate-readonly.json", run));

    assertThat(granted.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(granted.body()).path("body");
    JsonNode value =
        JSON.readTree(
            aws.secret(body.path("secret_name").asText())
                .orElseThrow()
                .currentValue()
                .orElseThrow());
    try (Connection c =
        db.login(value.path("username").asText(), value.path("password").asText())) {
      assertThat(c.isValid(2)).isTrue();
    }

    HttpResponse<String> revoked = postSigned(sample("deescalate-readonly.json", run));

    assertThat(revoked.statusCode()).isEqualTo(200);
    assertThat(grantsOfRun(run)).isEmpty();
    assertThat(db.userExists(value.path("username").asText())).isFalse();
  }

  @Test
  void aBadlySignedWebhookRequestIs401AndCreatesNothing() throws Exception {
    String run = UUID.randomUUID().toString();
    byte[] body = JSON.writeValueAsBytes(sample("escalate-readonly.json", run));
    long now = System.currentTimeMillis() / 1000;
    byte[] otherKey = "ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> unsigned = post(body, null, null);
    HttpResponse<String> wrongKey = post(body, now, WebhookSignature.sign(otherKey, now, body));
    HttpResponse<String> stale = post(body, now - 600, WebhookSignature.sign(KEY, now - 600, body));

    for (HttpResponse<String> response : List.of(unsigned, wrongKey, stale)) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(response.body()).path("errors").get(0).asText())
          .startsWith("Unauthorized:");
    }
    // No wait needed: the webhook answers a signed request only once it has handled it, and
    // refuses an unsigned one before it starts anything, so nothing is left in flight.
    assertThat(grantsOfRun(run)).isEmpty();
  }
}
