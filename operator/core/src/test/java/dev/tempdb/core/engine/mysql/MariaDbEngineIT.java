package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.MariaDbFixture;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The MySQL-family engine against a real MariaDB, and what only MariaDB does. */
class MariaDbEngineIT extends MysqlFamilyEngineContract {
  @Override
  MysqlFamilyServer server() {
    return MariaDbFixture.get();
  }

  @Test
  void detectsMariaDbFromTheServer() {
    assertThat(engine.serverVersion()).contains("MariaDB");
    assertThat(((MysqlEngine) engine).flavor()).isEqualTo(MysqlFlavor.MARIADB);
  }

  @Test
  void twoRolesAreRefusedOnMariaDbWithAFix() throws SQLException {
    String user = newUser();
    String sql = "GRANT eng_reader TO {username}; GRANT eng_other TO {username};";

    assertThatThrownBy(() -> engine.provision(grant(user, Passwords.generate(), sql)))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("only one default role")
        .hasMessageContaining("grant one role that holds the others");
    assertThat(hostsOf(user)).isEmpty();
  }

  @Test
  void theClientSideHashIsWhatTheServerComputes() throws SQLException {
    String password = Passwords.generate();
    try (Connection c = db.login(db.adminUser(), db.adminPassword());
        PreparedStatement ps = c.prepareStatement("SELECT PASSWORD(?)")) {
      ps.setString(1, password);
      ResultSet rs = ps.executeQuery();
      rs.next();
      assertThat(NativePassword.hash(password)).isEqualTo(rs.getString(1));
    }
  }
}
