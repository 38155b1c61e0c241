package dev.tempdb.operator;

import dev.tempdb.operator.config.ConfigSources;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.sym.webhook.SymWebhookServer;
import dev.tempdb.sym.webhook.WebhookMain;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator against the cluster of the current kubeconfig, or in-cluster with the pod's
 * service account. Settings come from TEMPDB_* environment variables, optionally over the file
 * named by TEMPDB_CONFIG_FILE (see docs/operations.md). SIGTERM stops it gracefully.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException, java.io.IOException {
    Map<String, String> settings;
    OperatorConfig config;
    try {
      settings = ConfigSources.load(System.getenv());
      config = OperatorConfig.fromSettings(settings);
    } catch (IllegalArgumentException e) {
      // Before logging is set up (its level and format are settings too).
      System.err.println("tempdb-operator: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    // logback.xml reads these as system properties first, so a value from the file counts too.
    System.setProperty("TEMPDB_LOG_LEVEL", config.logLevel());
    System.setProperty("TEMPDB_LOG_FORMAT", config.logFormat());
    Logger log = LoggerFactory.getLogger(Main.class);
    var unknown = ConfigSources.unknown(System.getenv());
    if (!unknown.isEmpty()) {
      log.warn("Ignoring unknown settings {} (typo?); see docs/operations.md", unknown);
    }

    Config clientConfig = Config.autoConfigure(null);
    // Every call to the API server is bounded.
    clientConfig.setConnectionTimeout(10_000);
    clientConfig.setRequestTimeout(30_000);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig).build();
    log.info(
        "Starting tempdb-operator against {}; control namespace {}, watching {}, leader election"
            + " {}",
        clientConfig.getMasterUrl(),
        config.controlNamespace(),
        config.watchNamespaces().isEmpty() ? "all namespaces" : config.watchNamespaces(),
        config.leaderElection().enabled()
            ? "on (lease "
                + config.leaderElection().leaseName()
                + ", identity "
                + config.leaderElection().identity()
                + ")"
            : "off");
    if (config.aws() != null) {
      log.info(
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
    CountDownLatch stopped = new CountDownLatch(1);
    OperatorApp app =
        OperatorApp.start(
            client,
            config,
            Clock.systemUTC(),
            // Lost the Lease: stop everything now, as a crash would (which every step survives),
            // not after in-flight reconciles finish next to the new leader. Kubernetes restarts
            // the pod as a fresh candidate.
            () -> Runtime.getRuntime().halt(1));
    // The Sym webhook (docs/sym.md) shares the operator's client; a bad TEMPDB_SYM_* setting
    // stops the start, naming the variable.
    SymWebhookServer webhook =
        "true".equalsIgnoreCase(settings.get("TEMPDB_SYM_WEBHOOK_ENABLED"))
            ? WebhookMain.start(client, settings, config.controlNamespace())
            : null;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Stopping tempdb-operator");
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
