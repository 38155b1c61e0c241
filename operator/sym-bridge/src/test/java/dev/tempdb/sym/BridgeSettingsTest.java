package dev.tempdb.sym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.sym.webhook.WebhookSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeSettingsTest {
  @Test
  void defaultsNeedOnlyANamespace() {
    BridgeSettings settings = BridgeSettings.fromEnv(Map.of(), "tempdb-requests");

    assertThat(settings).isEqualTo(BridgeSettings.of("tempdb-requests"));
    assertThat(settings.waitTimeout()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void everySettingIsRead() {
    BridgeSettings settings =
        BridgeSettings.fromEnv(
            Map.of(
                "TEMPDB_SYM_NAMESPACE", "grants",
                "TEMPDB_SYM_TARGETS", "read_only=readonly, admin = pg-admin",
                "TEMPDB_SYM_DELIVERY", "AwsSecretsManager,KubernetesSecret,AwsSecretsManager",
                "TEMPDB_SYM_WAIT_TIMEOUT", "45s"),
            "ignored");

    assertThat(settings.namespace()).isEqualTo("grants");
    assertThat(settings.accessTarget("read_only")).isEqualTo("readonly");
    assertThat(settings.accessTarget("admin")).isEqualTo("pg-admin");
    assertThat(settings.accessTarget("other")).isEqualTo("other");
    assertThat(settings.delivery())
        .containsExactly(DeliveryMethod.AwsSecretsManager, DeliveryMethod.KubernetesSecret);
    assertThat(settings.waitTimeout()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void badValuesNameTheVariableAndTheFix() {
    assertThatThrownBy(() -> BridgeSettings.fromEnv(Map.of(), null))
        .hasMessageStartingWith("TEMPDB_SYM_NAMESPACE must name the namespace");
    assertThatThrownBy(
            () -> BridgeSettings.fromEnv(Map.of("TEMPDB_SYM_TARGETS", "read_only=Read_Only"), "ns"))
        .hasMessageStartingWith("TEMPDB_SYM_TARGETS entry \"read_only=Read_Only\" must be");
    assertThatThrownBy(() -> BridgeSettings.fromEnv(Map.of("TEMPDB_SYM_DELIVERY", "Email"), "ns"))
        .hasMessageStartingWith("TEMPDB_SYM_DELIVERY \"Email\" is not a delivery method");
    assertThatThrownBy(() -> BridgeSettings.fromEnv(Map.of("TEMPDB_SYM_WAIT_TIMEOUT", "20m"), "ns"))
        .hasMessageContaining("at most 14m");
  }

  @Test
  void webhookSettingsNeedTheSecretAndCheckTheirBounds() {
    WebhookSettings settings =
        WebhookSettings.fromEnv(
            Map.of("TEMPDB_SYM_WEBHOOK_SECRET", "sec/tempdb-sym-webhook"), "ns");

    assertThat(settings.secretNamespace()).isEqualTo("sec");
    assertThat(settings.secretName()).isEqualTo("tempdb-sym-webhook");
    assertThat(settings.secretKey()).isEqualTo("hmac-key");
    assertThat(settings.port()).isEqualTo(8090);
    assertThat(settings.replayWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.healthPort()).isEqualTo(8091);
    assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.maxConcurrentEvents()).isEqualTo(8);
    assertThat(settings.maxRequests()).isEqualTo(64);
    assertThat(
            WebhookSettings.fromEnv(Map.of("TEMPDB_SYM_WEBHOOK_SECRET", "s"), "ns")
                .secretNamespace())
        .isEqualTo("ns");
    assertThatThrownBy(() -> WebhookSettings.fromEnv(Map.of(), "ns"))
        .hasMessageStartingWith("TEMPDB_SYM_WEBHOOK_SECRET must name the Secret");
    assertThatThrownBy(
            () ->
                WebhookSettings.fromEnv(
                    Map.of(
                        "TEMPDB_SYM_WEBHOOK_SECRET", "s", "TEMPDB_SYM_WEBHOOK_REPLAY_WINDOW", "1h"),
                    "ns"))
        .hasMessageStartingWith(
            "TEMPDB_SYM_WEBHOOK_REPLAY_WINDOW must be a duration from 30s to 15m");
    assertThatThrownBy(
            () ->
                WebhookSettings.fromEnv(
                    Map.of("TEMPDB_SYM_WEBHOOK_SECRET", "s", "TEMPDB_SYM_WEBHOOK_MAX_BODY", "10"),
                    "ns"))
        .hasMessageStartingWith("TEMPDB_SYM_WEBHOOK_MAX_BODY must be a whole number from 1024");
  }

  @Test
  void webhookLimitsAreReadAndCheckedAgainstEachOther() {
    WebhookSettings settings =
        WebhookSettings.fromEnv(
            Map.of(
                "TEMPDB_SYM_WEBHOOK_SECRET", "s",
                "TEMPDB_SYM_WEBHOOK_HEALTH_PORT", "9001",
                "TEMPDB_SYM_WEBHOOK_REQUEST_TIMEOUT", "3s",
                "TEMPDB_SYM_WEBHOOK_MAX_CONCURRENT", "2",
                "TEMPDB_SYM_WEBHOOK_MAX_REQUESTS", "20"),
            "ns");

    assertThat(settings.healthPort()).isEqualTo(9001);
    assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.maxConcurrentEvents()).isEqualTo(2);
    assertThat(settings.maxRequests()).isEqualTo(20);
    assertThatThrownBy(() -> webhook("TEMPDB_SYM_WEBHOOK_REQUEST_TIMEOUT", "0s"))
        .hasMessage(
            "TEMPDB_SYM_WEBHOOK_REQUEST_TIMEOUT must be a duration from 1s to 5m, e.g. 10s (got"
                + " 0s)");
    assertThatThrownBy(() -> webhook("TEMPDB_SYM_WEBHOOK_MAX_REQUESTS", "8"))
        .hasMessageStartingWith(
            "TEMPDB_SYM_WEBHOOK_MAX_REQUESTS (8) must be greater than"
                + " TEMPDB_SYM_WEBHOOK_MAX_CONCURRENT (8)");
    assertThatThrownBy(() -> webhook("TEMPDB_SYM_WEBHOOK_HEALTH_PORT", "8090"))
        .hasMessageStartingWith(
            "TEMPDB_SYM_WEBHOOK_HEALTH_PORT must differ from TEMPDB_SYM_WEBHOOK_PORT (both 8090)");
  }

  private static WebhookSettings webhook(String name, String value) {
    return WebhookSettings.fromEnv(Map.of("TEMPDB_SYM_WEBHOOK_SECRET", "s", name, value), "ns");
  }
}
