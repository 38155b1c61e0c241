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
}
