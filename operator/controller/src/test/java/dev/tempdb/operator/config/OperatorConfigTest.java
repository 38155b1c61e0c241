package dev.tempdb.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {
  @Test
  void defaultsAreSafe() {
    OperatorConfig c = OperatorConfig.fromSettings(Map.of());
    assertThat(c.controlNamespace()).isEqualTo("tempdb-system");
    assertThat(c.watchNamespaces()).isEmpty();
    assertThat(c.expiredRetention()).isEqualTo(Duration.ofHours(24));
    assertThat(c.sweepInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.sweepGrace()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void readsEverySetting() {
    OperatorConfig c =
        OperatorConfig.fromSettings(
            Map.of(
                "POD_NAMESPACE", "ops",
                "TEMPDB_WATCH_NAMESPACES", "team-a, team-b",
                "TEMPDB_EXPIRED_RETENTION", "0",
                "TEMPDB_SWEEP_INTERVAL", "1m"));
    assertThat(c.controlNamespace()).isEqualTo("ops");
    assertThat(c.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(c.expiredRetention()).isZero();
    assertThat(c.sweepInterval()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aBadValueNamesTheVariable() {
    assertThatThrownBy(
            () -> OperatorConfig.fromSettings(Map.of("TEMPDB_SWEEP_INTERVAL", "5 minutes")))
        .hasMessageContaining("TEMPDB_SWEEP_INTERVAL")
        .hasMessageContaining("30m");
  }
}
