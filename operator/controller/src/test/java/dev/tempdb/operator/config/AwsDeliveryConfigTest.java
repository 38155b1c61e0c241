package dev.tempdb.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.sink.aws.AwsSecretsManagerSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsDeliveryConfigTest {
  @Test
  void offByDefault() {
    assertThat(OperatorConfig.fromSettings(Map.of()).aws()).isNull();
    assertThat(AwsDeliveryConfig.fromEnvironment(Map.of("TEMPDB_AWS_ENABLED", "false"))).isEmpty();
  }

  @Test
  void enabledWithTheDefaultsTheSeedPolicyExpects() {
    AwsSecretsManagerSettings s =
        OperatorConfig.fromSettings(Map.of("TEMPDB_AWS_ENABLED", "true")).aws();

    assertThat(s.region()).isNull(); // the SDK's chain: AWS_REGION, set by IRSA and pod identity
    assertThat(s.endpoint()).isNull();
    assertThat(s.names()).hasToString("tempdb/{requester}/{requestId}");
    assertThat(s.requesterTagKey()).isEqualTo("sym.user");
    assertThat(s.managedBy()).isEqualTo("tempdb-operator");
    assertThat(s.kmsKeyId()).isNull();
    assertThat(s.recoveryWindowDays()).isZero();
    assertThat(s.apiCallTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void readsEverySetting() {
    AwsSecretsManagerSettings s =
        AwsDeliveryConfig.fromEnvironment(
                Map.of(
                    "TEMPDB_AWS_ENABLED", "true",
                    "TEMPDB_AWS_REGION", "eu-west-1",
                    "TEMPDB_AWS_ENDPOINT",
                        "https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com",
                    "TEMPDB_AWS_SECRET_NAME_TEMPLATE", "prod/db/{namespace}/{name}",
                    "TEMPDB_AWS_REQUESTER_TAG", "access.requester",
                    "TEMPDB_AWS_MANAGED_BY", "tempdb-prod",
                    "TEMPDB_AWS_KMS_KEY_ID", "alias/tempdb",
                    "TEMPDB_AWS_RECOVERY_WINDOW_DAYS", "7",
                    "TEMPDB_AWS_API_CALL_TIMEOUT", "30s"))
            .orElseThrow();

    assertThat(s.region()).isEqualTo("eu-west-1");
    assertThat(s.endpoint())
        .isEqualTo(URI.create("https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com"));
    assertThat(s.names().prefix()).isEqualTo("prod/db/");
    assertThat(s.requesterTagKey()).isEqualTo("access.requester");
    assertThat(s.managedBy()).isEqualTo("tempdb-prod");
    assertThat(s.kmsKeyId()).isEqualTo("alias/tempdb");
    assertThat(s.recoveryWindowDays()).isEqualTo(7);
    assertThat(s.apiCallTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void eachBadValueNamesItsVariableAndTheFix() {
    assertThatThrownBy(() -> AwsDeliveryConfig.fromEnvironment(Map.of("TEMPDB_AWS_ENABLED", "yes")))
        .hasMessageContaining("TEMPDB_AWS_ENABLED must be true or false");
    assertThatThrownBy(
            () -> AwsDeliveryConfig.fromEnvironment(Map.of("TEMPDB_AWS_REGION", "eu-west-1")))
        .hasMessageContaining("TEMPDB_AWS_REGION is set but AWS delivery is off")
        .hasMessageContaining("TEMPDB_AWS_ENABLED=true");
    assertThatThrownBy(() -> enabledWith("TEMPDB_AWS_RECOVERY_WINDOW_DAYS", "3"))
        .hasMessageContaining("TEMPDB_AWS_RECOVERY_WINDOW_DAYS must be 0")
        .hasMessageContaining("7 to 30");
    assertThatThrownBy(() -> enabledWith("TEMPDB_AWS_SECRET_NAME_TEMPLATE", "tempdb/{requester}"))
        .hasMessageContaining("TEMPDB_AWS_SECRET_NAME_TEMPLATE")
        .hasMessageContaining("must contain {requestId}");
    assertThatThrownBy(() -> enabledWith("TEMPDB_AWS_REQUESTER_TAG", "aws:user"))
        .hasMessageContaining("TEMPDB_AWS_REQUESTER_TAG")
        .hasMessageContaining("aws:");
    assertThatThrownBy(() -> enabledWith("TEMPDB_AWS_REQUESTER_TAG", "tempdb.dev/uid"))
        .hasMessageContaining("tempdb.dev/ tags are the operator's own");
    assertThatThrownBy(() -> enabledWith("TEMPDB_AWS_MANAGED_BY", "tempdb#1"))
        .hasMessageContaining("TEMPDB_AWS_MANAGED_BY");
    assertThatThrownBy(() -> enabledWith("TEMPDB_AWS_ENDPOINT", "secretsmanager.local"))
        .hasMessageContaining("TEMPDB_AWS_ENDPOINT must be an http(s) URL");
    assertThatThrownBy(() -> enabledWith("TEMPDB_AWS_API_CALL_TIMEOUT", "ten seconds"))
        .hasMessageContaining("TEMPDB_AWS_API_CALL_TIMEOUT");
  }

  private static Object enabledWith(String variable, String value) {
    return AwsDeliveryConfig.fromEnvironment(Map.of("TEMPDB_AWS_ENABLED", "true", variable, value));
  }
}
