package dev.tempdb.operator;

import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.sym.webhook.SymWebhookServer;
import dev.tempdb.sym.webhook.WebhookMain;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator against the cluster of the current kubeconfig, or in-cluster with the pod's
 * service account. Settings come from TEMPDB_* environment variables (see docs/operations.md).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws InterruptedException, IOException {
    OperatorConfig config = OperatorConfig.fromEnvironment(System.getenv());
    Config clientConfig = Config.autoConfigure(null);
    // Every call to the API server is bounded.
    clientConfig.setConnectionTimeout(10_000);
    clientConfig.setRequestTimeout(30_000);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig).build();
    LOG.info(
        "Starting tempdb-operator against {}; control namespace {}, watching {}",
        clientConfig.getMasterUrl(),
        config.controlNamespace(),
        config.watchNamespaces().isEmpty() ? "all namespaces" : config.watchNamespaces());
    if (config.aws() != null) {
      LOG.info(
          "AWS Secrets Manager delivery on: region {}, secret names {}, requester tag {},"
              + " managed-by {}, deletion {}",
          config.aws().region() == null ? "from the SDK chain" : config.aws().region(),
          config.aws().names(),
          config.aws().requesterTagKey(),
          config.aws().managedBy(),
          config.aws().recoveryWindowDays() == 0
              ? "immediate"
              : "after " + config.aws().recoveryWindowDays() + " days");
    }
    OperatorApp app = OperatorApp.start(client, config, Clock.systemUTC());
    // The Sym webhook (docs/sym.md) shares the operator's client; a bad TEMPDB_SYM_* setting
    // stops the start, naming the variable.
    SymWebhookServer webhook =
        "true".equalsIgnoreCase(System.getenv("TEMPDB_SYM_WEBHOOK_ENABLED"))
            ? WebhookMain.start(client, System.getenv(), config.controlNamespace())
            : null;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("Stopping tempdb-operator");
                  if (webhook != null) {
                    webhook.close();
                  }
                  app.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
