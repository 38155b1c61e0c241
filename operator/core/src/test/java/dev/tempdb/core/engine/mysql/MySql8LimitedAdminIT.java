package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.MySql8Fixture;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator with a limited admin on a real MySQL 8.0.15, and what only MySQL below 8.0.21 needs:
 * the registry of managed users in tempdb_operator.
 */
class MySql8LimitedAdminIT extends MysqlFamilyLimitedAdminContract {
  static final String REGISTRY_GRANT = "CREATE, SELECT, INSERT, DELETE ON tempdb_operator.*";

  @Override
  MysqlFamilyServer server() {
    return MySql8Fixture.get();
  }

  @Override
  List<String> documentedGrants(String account) {
    return List.of(
        "GRANT CREATE USER, PROCESS ON *.* TO " + account,
        "GRANT CONNECTION_ADMIN ON *.* TO " + account,
        "GRANT SELECT ON mysql.* TO " + account,
        "GRANT SELECT ON lim_app.* TO " + account + " WITH GRANT OPTION",
        "GRANT " + REGISTRY_GRANT + " TO " + account);
  }

  /**
   * Measured on MySQL 8.0.15: the ADMIN OPTION counts only while the role is active in the admin's
   * session, so the role must be one of the admin's default roles (see {@link
   * #aRoleTheAdminHoldsButHasNotActiveCannotBeGranted}). Neither ROLE_ADMIN (which could grant any
   * role, to the admin too) nor write access to mysql.* is needed.
   */
  @Override
  List<String> roleGrantGrants(String account) {
    return List.of("SET DEFAULT ROLE ALL TO " + account);
  }

  /**
   * MySQL only: the ADMIN OPTION of a role that is not active in the session (not a default role)
   * does not let the admin grant it; the grant fails permanently and leaves no user.
   */
  @Test
  void aRoleTheAdminHoldsButHasNotActiveCannotBeGranted() throws Exception {
    String admin = "tempdb_lim_ri";
    String account = "'" + admin + "'@'%'";
    db.admin("DROP USER IF EXISTS " + account);
    db.admin("CREATE USER " + account + " IDENTIFIED BY '" + PASSWORD + "'");
    db.admin(documentedGrants(account).toArray(String[]::new));
    db.admin("GRANT " + ROLE + " TO " + account + " WITH ADMIN OPTION");
    String user = db.newUser("lim");
    try (MysqlEngine engine = open(admin)) {
      assertThatThrownBy(
              () ->
                  engine.provision(
                      grant(user, Passwords.generate(), "GRANT " + ROLE + " TO {username};")))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
          .hasMessageContaining("the target's grant SQL failed")
          .hasMessageContaining("WITH ADMIN, ROLE_ADMIN, SUPER");
      assertThat(accounts(user)).isZero();
    } finally {
      db.admin("DROP USER " + account);
    }
  }

  private int accounts(String user) throws SQLException {
    try (Connection c = db.login(db.adminUser(), db.adminPassword());
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM mysql.user WHERE User = ?")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * MySQL below 8.0.21 only: an admin that lacks any part of the registry grant is refused at its
   * first statement, permanently, with the grant to give, and nothing is created; once the DBA
   * gives it, the same engine goes on without a restart.
   */
  @ParameterizedTest
  @ValueSource(strings = {"CREATE", "SELECT", "INSERT", "DELETE"})
  void anAdminWithoutTheRegistryGrantIsToldWhichGrantToGive(String missing) throws Exception {
    // The schema and table exist already, as after the operator's first start.
    try (DatabaseEngine full = DatabaseEngines.open(db.endpoint("test/full"), Clock.systemUTC())) {
      full.serverVersion();
    }
    String admin = "tempdb_lim_no" + missing.toLowerCase().charAt(0);
    String account = "'" + admin + "'@'%'";
    List<String> given = new ArrayList<>(List.of("CREATE", "SELECT", "INSERT", "DELETE"));
    given.remove(missing);
    db.admin("DROP USER IF EXISTS " + account);
    db.admin("CREATE USER " + account + " IDENTIFIED BY '" + PASSWORD + "'");
    for (String statement : documentedGrants(account)) {
      if (!statement.contains("tempdb_operator")) {
        db.admin(statement);
      }
    }
    db.admin("GRANT " + String.join(", ", given) + " ON tempdb_operator.* TO " + account);
    String user = db.newUser("lim");
    String password = Passwords.generate();

    try (MysqlEngine engine = open(admin)) {
      assertThatThrownBy(
              () ->
                  engine.provision(
                      grant(user, password, "GRANT SELECT ON lim_app.* TO {username};")))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
          .hasMessageContaining("older than 8.0.21")
          .hasMessageContaining("grant the admin " + REGISTRY_GRANT);
      assertThat(accounts(user)).isZero();

      db.admin("GRANT " + missing + " ON tempdb_operator.* TO " + account);

      engine.provision(grant(user, password, "GRANT SELECT ON lim_app.* TO {username};"));
      try (Connection c = db.login(user, password)) {
        assertThat(reads(c)).isTrue();
      }
      assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
      assertThat(accounts(user)).isZero();
    } finally {
      db.admin("DROP USER " + account);
    }
  }
}
