package dev.tempdb.core.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CredentialsTest {
  private final Credentials creds =
      new Credentials(
          Engine.POSTGRESQL,
          "db.example",
          6432,
          "app",
          "tdb_dana_abcdefgh",
          "S3cretS3cretS3cret",
          Instant.parse("2026-11-21T13:00:00Z"),
          TlsMode.VERIFY_FULL);

  @Test
  void publishesEverythingAClientNeeds() {
    assertThat(creds.asMap())
        .containsEntry("host", "db.example")
        .containsEntry("port", "6432")
        .containsEntry("database", "app")
        .containsEntry("username", "tdb_dana_abcdefgh")
        .containsEntry("password", "S3cretS3cretS3cret")
        .containsEntry("engine", "postgresql")
        .containsEntry("expiresAt", "2026-11-21T13:00:00Z")
        .containsEntry(
            "uri",
            "postgresql://tdb_dana_abcdefgh:S3cretS3cretS3cret@db.example:6432/app?sslmode=verify-full")
        .containsEntry(
            "jdbcUrl",
            "jdbc:postgresql://db.example:6432/app?user=tdb_dana_abcdefgh"
                + "&password=S3cretS3cretS3cret&sslmode=verify-full");
  }

  @Test
  void mysqlAndMariaDbGetTheirOwnDriversUrlSyntax() {
    Credentials mysql =
        new Credentials(
            Engine.MYSQL,
            "db.example",
            3306,
            "app",
            "tdb_dana_abcdefgh",
            "S3cret-S3cret_S3cret",
            Instant.parse("2026-11-21T13:00:00Z"),
            TlsMode.VERIFY_FULL);
    assertThat(mysql.uri())
        .isEqualTo(
            "mysql://tdb_dana_abcdefgh:S3cret-S3cret_S3cret@db.example:3306/app"
                + "?ssl-mode=VERIFY_IDENTITY");
    assertThat(mysql.jdbcUrl())
        .isEqualTo(
            "jdbc:mysql://db.example:3306/app?user=tdb_dana_abcdefgh"
                + "&password=S3cret-S3cret_S3cret&sslMode=VERIFY_IDENTITY");

    Credentials maria =
        new Credentials(
            Engine.MARIADB,
            "db.example",
            3306,
            "app",
            "tdb_dana_abcdefgh",
            "pw",
            Instant.parse("2026-11-21T13:00:00Z"),
            TlsMode.REQUIRE);
    assertThat(maria.uri()).startsWith("mysql://").endsWith("?ssl-mode=REQUIRED");
    assertThat(maria.jdbcUrl())
        .isEqualTo(
            "jdbc:mariadb://db.example:3306/app?user=tdb_dana_abcdefgh&password=pw&sslMode=trust");
  }

  /** The first login over caching_sha2_password without TLS needs the server's RSA key. */
  @Test
  void mysqlWithoutTlsMayFetchTheServersPublicKeyAndOnlyThen() {
    Credentials plain =
        new Credentials(
            Engine.MYSQL,
            "db.example",
            3306,
            "app",
            "tdb_dana_abcdefgh",
            "pw",
            Instant.parse("2026-11-21T13:00:00Z"),
            TlsMode.DISABLE);
    assertThat(plain.jdbcUrl()).endsWith("&sslMode=DISABLED&allowPublicKeyRetrieval=true");
    assertThat(plain.uri()).endsWith("?ssl-mode=DISABLED&get-server-public-key=true");
    for (TlsMode mode : new TlsMode[] {TlsMode.REQUIRE, TlsMode.VERIFY_CA, TlsMode.VERIFY_FULL}) {
      Credentials tls =
          new Credentials(Engine.MYSQL, "db.example", 3306, "app", "u", "pw", Instant.EPOCH, mode);
      assertThat(tls.jdbcUrl()).doesNotContain("PublicKey");
      assertThat(tls.uri()).doesNotContain("public-key");
    }
    Credentials maria =
        new Credentials(
            Engine.MARIADB, "db.example", 3306, "app", "u", "pw", Instant.EPOCH, TlsMode.DISABLE);
    assertThat(maria.jdbcUrl()).doesNotContain("PublicKey");
  }

  @Test
  void toStringNeverShowsThePassword() {
    assertThat(creds.toString()).doesNotContain("S3cret").contains("tdb_dana_abcdefgh");
  }
}
