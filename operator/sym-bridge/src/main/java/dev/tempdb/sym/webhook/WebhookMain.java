package dev.tempdb.sym.webhook;

import dev.tempdb.sym.BridgeSettings;
import dev.tempdb.sym.SymBridge;
import dev.tempdb.sym.kube.KubernetesAccess;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the signed webhook on its own, with its own least-privilege service account ({@code
 * deploy/sym-bridge}): {@code java -jar tempdb-sym-bridge-VERSION-lambda.jar}. The operator can
 * serve the same endpoint instead (TEMPDB_SYM_WEBHOOK_ENABLED=true).
 */
public final class WebhookMain {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookMain.class);

  private WebhookMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    SymWebhookServer server;
    try {
      KubernetesClient client = KubernetesAccess.fromEnv(env);
      server = start(client, env, client.getNamespace());
    } catch (IllegalArgumentException e) {
      LOG.error("Not starting: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "webhook-shutdown"));
    new CountDownLatch(1).await();
  }

  /**
   * Starts the webhook from {@code TEMPDB_SYM_*} settings; shared with the operator's main.
   *
   * @throws IllegalArgumentException naming a bad setting
   */
  public static SymWebhookServer start(
      KubernetesClient client, Map<String, String> env, String defaultNamespace)
      throws java.io.IOException {
    BridgeSettings bridge = BridgeSettings.fromEnv(env, defaultNamespace);
    WebhookSettings webhook = WebhookSettings.fromEnv(env, bridge.namespace());
    SymWebhookServer server =
        SymWebhookServer.start(
            new SymBridge(client, bridge),
            webhook,
            new SecretHmacKeys(
                client,
                webhook.secretNamespace(),
                webhook.secretName(),
                webhook.secretKey(),
                Clock.systemUTC()),
            Clock.systemUTC());
    LOG.info(
        "Sym webhook listening on :{}{}, probe on :{}/healthz; grants go to namespace {}; key"
            + " from Secret {}/{}",
        server.port(),
        SymWebhookServer.PATH,
        server.healthPort(),
        bridge.namespace(),
        webhook.secretNamespace(),
        webhook.secretName());
    return server;
  }
}
