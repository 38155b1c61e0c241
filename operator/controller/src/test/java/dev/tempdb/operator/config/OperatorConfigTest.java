package dev.tempdb.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.testing.ProjectFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void leaderElectionIsOnByDefaultAndNamedAfterThePod() {
    OperatorConfig c = OperatorConfig.fromSettings(Map.of("POD_NAME", "tempdb-operator-7d9f-x2"));
    assertThat(c.leaderElection().enabled()).isTrue();
    assertThat(c.leaderElection().leaseName()).isEqualTo("tempdb-operator");
    assertThat(c.leaderElection().identity()).isEqualTo("tempdb-operator-7d9f-x2");
    assertThat(c.leaderElection().leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.managementPort()).isEqualTo(8080);
    assertThat(c.logFormat()).isEqualTo("text");
  }

  @Test
  void aLeaseTheHolderCouldNotRenewInTimeIsRefused() {
    assertThatThrownBy(
            () ->
                OperatorConfig.fromSettings(
                    Map.of(
                        "TEMPDB_LEADER_ELECTION_LEASE_DURATION", "10s",
                        "TEMPDB_LEADER_ELECTION_RENEW_DEADLINE", "10s")))
        .hasMessageContaining("TEMPDB_LEADER_ELECTION_RENEW_DEADLINE")
        .hasMessageContaining("TEMPDB_LEADER_ELECTION_LEASE_DURATION");
  }

  @Test
  void badValuesNameTheSettingAndTheFix() {
    assertThatThrownBy(
            () -> OperatorConfig.fromSettings(Map.of("TEMPDB_LEADER_ELECTION_ENABLED", "yes")))
        .hasMessageContaining("TEMPDB_LEADER_ELECTION_ENABLED")
        .hasMessageContaining("[false, true]");
    assertThatThrownBy(() -> OperatorConfig.fromSettings(Map.of("TEMPDB_MANAGEMENT_PORT", "http")))
        .hasMessageContaining("TEMPDB_MANAGEMENT_PORT")
        .hasMessageContaining("1 to 65535");
    assertThatThrownBy(() -> OperatorConfig.fromSettings(Map.of("TEMPDB_LOG_FORMAT", "xml")))
        .hasMessageContaining("TEMPDB_LOG_FORMAT")
        .hasMessageContaining("[json, text]");
    assertThatThrownBy(
            () -> OperatorConfig.fromSettings(Map.of("TEMPDB_WATCH_NAMESPACES", "team-a,Team_B")))
        .hasMessageContaining("TEMPDB_WATCH_NAMESPACES")
        .hasMessageContaining("Team_B");
    assertThatThrownBy(
            () ->
                OperatorConfig.fromSettings(
                    Map.of("TEMPDB_LEADER_ELECTION_LEASE_NAME", "Tempdb Leader")))
        .hasMessageContaining("TEMPDB_LEADER_ELECTION_LEASE_NAME");
  }

  @Test
  void traceLoggingIsRefusedBecauseItWouldLogSecretData() {
    assertThatThrownBy(() -> OperatorConfig.fromSettings(Map.of("TEMPDB_LOG_LEVEL", "trace")))
        .hasMessageContaining("TEMPDB_LOG_LEVEL")
        .hasMessageContaining("Secret data");
    assertThat(OperatorConfig.fromSettings(Map.of("TEMPDB_LOG_LEVEL", "debug")).logLevel())
        .isEqualTo("DEBUG");
  }

  @Test
  void aFileGivesSettingsAndTheEnvironmentOverridesThem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tempdb.properties");
    Files.writeString(
        file, "TEMPDB_SWEEP_INTERVAL=2m\nTEMPDB_WATCH_NAMESPACES=team-a\nTEMPDB_LOG_FORMAT=json\n");
    Map<String, String> settings =
        ConfigSources.load(
            Map.of("TEMPDB_CONFIG_FILE", file.toString(), "TEMPDB_SWEEP_INTERVAL", "7m"));
    OperatorConfig c = OperatorConfig.fromSettings(settings);
    assertThat(c.sweepInterval()).isEqualTo(Duration.ofMinutes(7));
    assertThat(c.watchNamespaces()).containsExactly("team-a");
    assertThat(c.logFormat()).isEqualTo("json");
  }

  @Test
  void aTypoInTheFileStopsTheStartInsteadOfKeepingADefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tempdb.properties");
    Files.writeString(file, "TEMPDB_SWEEP_INTERVALL=2m\nTEMPDB_AWS_REGION=eu-west-1\n");
    assertThatThrownBy(() -> ConfigSources.load(Map.of("TEMPDB_CONFIG_FILE", file.toString())))
        .hasMessageContaining("TEMPDB_SWEEP_INTERVALL")
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("TEMPDB_AWS_REGION");
    assertThatThrownBy(
            () -> ConfigSources.load(Map.of("TEMPDB_CONFIG_FILE", dir.resolve("none").toString())))
        .hasMessageContaining("TEMPDB_CONFIG_FILE")
        .hasMessageContaining("cannot read");
  }

  @Test
  void unknownSettingsInTheEnvironmentAreFoundButOthersAreNot() {
    assertThat(
            ConfigSources.unknown(
                Map.of(
                    "TEMPDB_SWEEP_INTERVALL", "2m",
                    "TEMPDB_SYM_NAMESPACE", "x",
                    "TEMPDB_AWS_REGION", "y",
                    "PATH", "/bin")))
        .containsExactly("TEMPDB_SWEEP_INTERVALL");
  }

  @Test
  void everySettingIsDocumentedInOperationsMd() throws Exception {
    String docs = Files.readString(ProjectFiles.topLevel("docs").resolve("operations.md"));
    assertThat(OperatorConfig.names())
        .allSatisfy(name -> assertThat(docs).as(name).contains("`" + name + "`"));
  }
}
