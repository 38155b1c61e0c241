package dev.tempdb.sym;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.core.testing.KubernetesFixture;
import dev.tempdb.sym.webhook.SymWebhookServer;
import dev.tempdb.sym.webhook.WebhookSignature;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded deployment jar works on its own: started as a separate JVM with only that jar on the
 * class path (as the standalone webhook runs), it reads its key from the API and answers a signed
 * event. Catches what a shaded jar gets wrong: missing service files, HTTP client or logging.
 */
class LambdaJarIT {
  private static final String NS = "sym-jar-it";
  private static final String KEY = "j".repeat(64);

  @Test
  void theShadedJarServesTheSignedWebhook(@TempDir Path dir) throws Exception {
    KubernetesClient client = KubernetesFixture.get().client();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("webhook-key")
                .withNamespace(NS)
                .endMetadata()
                .addToData("hmac-key", Base64.getEncoder().encodeToString(KEY.getBytes()))
                .build())
        .createOr(r -> r.update());
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters: [{name: mock, cluster: {server: '"
                + client.getConfiguration().getMasterUrl()
                + "'}}]",
            "users: [{name: test, user: {token: test}}]",
            "contexts: [{name: mock, context: {cluster: mock, user: test, namespace: " + NS + "}}]",
            "current-context: mock",
            ""));
    int port;
    int healthPort;
    try (ServerSocket socket = new ServerSocket(0);
        ServerSocket health = new ServerSocket(0)) {
      port = socket.getLocalPort();
      healthPort = health.getLocalPort();
    }
    ProcessBuilder java =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                shadedJar().toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("webhook.log").toFile());
    java.environment().put("KUBECONFIG", kubeconfig.toString());
    java.environment().put("TEMPDB_SYM_WEBHOOK_SECRET", "webhook-key");
    java.environment().put("TEMPDB_SYM_WEBHOOK_PORT", Integer.toString(port));
    java.environment().put("TEMPDB_SYM_WEBHOOK_HEALTH_PORT", Integer.toString(healthPort));
    Process process = java.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + port);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(
                                      URI.create("http://127.0.0.1:" + healthPort + "/healthz"))
                                  .build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200);
      byte[] body =
          SymPayloads.JSON.writeValueAsBytes(
              SymPayloads.deescalate(e -> SymPayloads.run(e, UUID.randomUUID().toString())));
      long now = System.currentTimeMillis() / 1000;

      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(base.resolve(SymWebhookServer.PATH))
                  .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
                  .header(
                      WebhookSignature.SIGNATURE_HEADER,
                      WebhookSignature.sign(KEY.getBytes(StandardCharsets.UTF_8), now, body))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode())
          .as(() -> readLog(dir.resolve("webhook.log")))
          .isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"body\":{},\"errors\":[]}");
      assertThat(readLog(dir.resolve("webhook.log")))
          .contains(
              "Sym webhook listening on :"
                  + port
                  + SymWebhookServer.PATH
                  + ", probe on :"
                  + healthPort
                  + "/healthz");
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  private static Path shadedJar() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-lambda.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("run through mvn verify: no -lambda.jar"));
    }
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }
}
