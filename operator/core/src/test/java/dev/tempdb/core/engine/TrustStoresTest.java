package dev.tempdb.core.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrustStoresTest {
  private static ServerEndpoint withCa(String pem) {
    return new ServerEndpoint(
        "tempdb-system/mysql-main",
        Engine.MYSQL,
        "db",
        3306,
        "app",
        "admin",
        "secret",
        TlsMode.VERIFY_FULL,
        pem,
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        1,
        null);
  }

  @Test
  void aBundleWithoutCertificatesIsAPermanentConfigurationError() {
    assertThatThrownBy(() -> TrustStores.pkcs12File(withCa(""), "pw"))
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> org.assertj.core.api.Assertions.assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("tempdb-system/mysql-main")
        .hasMessageContaining("holds no certificate");
  }

  @Test
  void garbageIsAPermanentConfigurationError() {
    String pem = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n";
    assertThatThrownBy(() -> TrustStores.pkcs12File(withCa(pem), "pw"))
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> org.assertj.core.api.Assertions.assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("not valid PEM");
  }
}
