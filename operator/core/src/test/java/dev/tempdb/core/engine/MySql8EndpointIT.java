package dev.tempdb.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.testing.MySql8Fixture;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Endpoint fields reach Connector/J as values, against a real MySQL 8.0.15, and what only MySQL
 * needs: an admin whose caching_sha2_password hash the server has not cached yet.
 */
class MySql8EndpointIT extends MysqlFamilyEndpointContract {
  private static final String FRESH_ADMIN = "tdb_endpoint_fresh";

  @Override
  MysqlFamilyServer server() {
    return MySql8Fixture.get();
  }

  /**
   * The MySQL fixture listens on 127.0.0.1 only; the IPv6 forms are the driver's parsing, proven
   * against MariaDB.
   */
  @Override
  List<String> loopbackHosts() {
    return List.of("127.0.0.1", "localhost");
  }

  /**
   * MySQL only: until a caching_sha2_password account has logged in once (and again after FLUSH
   * PRIVILEGES), the server has no cached hash and asks for the full password, which over plain TCP
   * the driver must encrypt with the server's RSA key. Both TLS modes log in on the first try.
   */
  @Test
  void anAdminTheServerHasNotCachedLogsInWithAndWithoutTls() throws SQLException {
    for (TlsMode mode : new TlsMode[] {TlsMode.DISABLE, TlsMode.REQUIRE}) {
      db.admin(
          "DROP USER IF EXISTS " + FRESH_ADMIN,
          "CREATE USER " + FRESH_ADMIN + " IDENTIFIED BY '" + db.adminPassword() + "'",
          "GRANT SELECT ON " + db.database() + ".* TO " + FRESH_ADMIN,
          "FLUSH PRIVILEGES");
      ServerEndpoint fresh =
          new ServerEndpoint(
              "test/fresh",
              db.engine(),
              "127.0.0.1",
              db.port(),
              db.database(),
              FRESH_ADMIN,
              db.adminPassword(),
              mode,
              null,
              Duration.ofSeconds(2),
              Duration.ofSeconds(5),
              1,
              null);

      Session session = session(fresh);

      assertThat(session.user()).as(mode.name()).isEqualTo(FRESH_ADMIN + "@%");
      assertThat(session.tlsCipher().isEmpty()).as(mode.name()).isEqualTo(mode == TlsMode.DISABLE);
    }
  }
}
