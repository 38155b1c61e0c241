package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.core.sink.Credentials;
import dev.tempdb.core.testing.MySql8Fixture;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The MySQL-family engine against a real MySQL 8.0.15, and what only MySQL does: several default
 * roles, caching_sha2_password logins, and (below 8.0.21, which has no user ATTRIBUTE) the registry
 * table that marks the operator's users for the sweep.
 */
class MySql8EngineIT extends MysqlFamilyEngineContract {
  @Override
  MysqlFamilyServer server() {
    return MySql8Fixture.get();
  }

  private int registryRows(String user) throws SQLException {
    try (Connection c = db.login(db.adminUser(), db.adminPassword());
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT COUNT(*) FROM tempdb_operator.managed_users WHERE user_name = ?")) {
      ps.setString(1, user);
      ResultSet rs = ps.executeQuery();
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void detectsMySqlBelow8021AndMarksUsersInTheRegistryUntilTheyAreDropped() throws SQLException {
    assertThat(engine.serverVersion()).startsWith("8.0.15");
    assertThat(((MysqlEngine) engine).flavor()).isEqualTo(MysqlFlavor.MYSQL);
    String user = newUser();
    engine.provision(grant(user, Passwords.generate(), READONLY));

    assertThat(registryRows(user)).isOne();
    assertThat(engine.listManagedUsers("tdb_")).extracting(ManagedUser::username).contains(user);
    engine.revoke(user, null);
    assertThat(registryRows(user)).isZero();
  }

  @Test
  void aUserMadeByHandInTheGeneratedShapeIsNeverListedForTheSweep() {
    String byHand = Usernames.forGrant("tdb_", "dba", UUID.randomUUID().toString(), 32);
    assertThat(Usernames.hasGeneratedShape("tdb_", byHand)).isTrue();
    db.admin("CREATE USER '" + byHand + "'@'%' IDENTIFIED BY 'By-hand-1'");

    assertThat(engine.listManagedUsers("tdb_"))
        .extracting(ManagedUser::username)
        .doesNotContain(byHand);
    db.admin("DROP USER '" + byHand + "'@'%'");
  }

  @Test
  void grantSqlThatOpensTheRegistryToTheUserIsRefused() throws SQLException {
    String user = newUser();
    String sql = "GRANT INSERT, DELETE ON tempdb_operator.* TO {username};";

    assertThatThrownBy(() -> engine.provision(grant(user, Passwords.generate(), sql)))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("MYSQL SCHEMA WRITE");
    assertThat(hostsOf(user)).isEmpty();
    assertThat(registryRows(user)).isZero();
  }

  @Test
  void everyRoleTheGrantSqlGivesIsActiveAtLogin() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(
        grant(user, password, "GRANT eng_reader TO {username}; GRANT eng_other TO {username};"));

    try (Connection c = db.login(user, password);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT CURRENT_ROLE()")) {
      rs.next();
      assertThat(rs.getString(1)).contains("`eng_reader`@`%`").contains("`eng_other`@`%`");
    }
  }

  @Test
  void aCreatedUserAuthenticatesWithCachingSha2OverTlsAndOverPlainTcp() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(grant(user, password, READONLY));
    try (Connection c = db.login(db.adminUser(), db.adminPassword());
        PreparedStatement ps =
            c.prepareStatement("SELECT plugin FROM mysql.user WHERE User = ? AND Host = '%'")) {
      ps.setString(1, user);
      ResultSet rs = ps.executeQuery();
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("caching_sha2_password");
    }

    // Before the first login the server has no cached hash: over plain TCP the client must
    // encrypt the password with the server's RSA key, which it may only fetch when allowed to.
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                    "jdbc:mysql://127.0.0.1:" + db.port() + "/?sslMode=DISABLED", user, password))
        .hasMessageContaining("Public Key Retrieval is not allowed");
    try (Connection plain = db.login(user, password);
        Connection tls = db.loginOverTls(user, password);
        ResultSet rs = tls.createStatement().executeQuery("SHOW STATUS LIKE 'Ssl_version'")) {
      assertThat(plain.isValid(1)).isTrue();
      rs.next();
      assertThat(rs.getString(2)).startsWith("TLS");
    }
  }

  @Test
  void thePublishedJdbcUrlLogsInOnTheFirstTryWithAndWithoutTls() throws SQLException {
    for (TlsMode mode : new TlsMode[] {TlsMode.DISABLE, TlsMode.REQUIRE}) {
      String user = newUser();
      String password = Passwords.generate();
      engine.provision(grant(user, password, READONLY));
      Credentials published =
          new Credentials(
              Engine.MYSQL,
              "127.0.0.1",
              db.port(),
              "eng_app",
              user,
              password,
              Instant.now().plusSeconds(600),
              mode);

      try (Connection c = DriverManager.getConnection(published.jdbcUrl());
          ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM orders")) {
        rs.next();
        assertThat(rs.getInt(1)).as(mode.name()).isOne();
      }
    }
  }

  @Test
  void theServerRefusesNamesLongerThanTheEnginesLimit() {
    assertThat(engine.maxUsernameLength()).isEqualTo(32);
    String name = "t".repeat(33);
    assertThatThrownBy(() -> db.admin("CREATE USER '" + name + "'@'%' IDENTIFIED BY 'Too-long-1'"))
        .hasRootCauseInstanceOf(SQLException.class)
        .rootCause()
        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1470));
  }
}
