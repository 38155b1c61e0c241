package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The MySQL grant SQL we ship in targets/ does what its comment says on a real server. Written
 * once, run against MariaDB ({@link MariaDbTargetSqlFilesIT}) and MySQL 8 ({@link
 * MySql8TargetSqlFilesIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MysqlFamilyTargetSqlFilesContract {
  static final Path TARGETS = Path.of("../../targets");
  MysqlFamilyServer db;
  DatabaseEngine engine;

  /** The server under test, started once per JVM. */
  abstract MysqlFamilyServer server();

  @BeforeAll
  void start() {
    db = server();
    db.admin(
        "CREATE TABLE IF NOT EXISTS app.customers (id int AUTO_INCREMENT PRIMARY KEY, name text)",
        "INSERT INTO app.customers (name) VALUES ('ada')");
    engine = DatabaseEngines.open(db.endpoint("targets"), Clock.systemUTC());
  }

  @AfterAll
  void stop() {
    engine.close();
  }

  String provision(String file, String user) throws IOException {
    String password = Passwords.generate();
    engine.provision(
        new UserGrant(
            user,
            password,
            Instant.now().plusSeconds(600),
            2,
            Files.readString(TARGETS.resolve(file)),
            "targets-test"));
    return password;
  }

  @Test
  void readonlyReadsAndCannotWrite() throws Exception {
    String user = db.newUser("ro");
    String password = provision("mysql-readonly.sql", user);
    try (Connection c = db.login("app", user, password);
        Statement s = c.createStatement()) {
      assertThat(s.executeQuery("SELECT name FROM customers").next()).isTrue();
      assertThatThrownBy(() -> s.execute("INSERT INTO customers (name) VALUES ('eve')"))
          .hasMessageContaining("denied");
      assertThatThrownBy(() -> s.execute("CREATE TABLE mine (x int)"))
          .hasMessageContaining("denied");
    }
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  @Test
  void readwriteChangesRowsButNoSchema() throws Exception {
    String user = db.newUser("rw");
    String password = provision("mysql-readwrite.sql", user);
    try (Connection c = db.login("app", user, password);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO customers (name) VALUES ('bob')");
      s.execute("UPDATE customers SET name = 'bobby' WHERE name = 'bob'");
      s.execute("DELETE FROM customers WHERE name = 'bobby'");
      assertThatThrownBy(() -> s.execute("DROP TABLE customers")).hasMessageContaining("denied");
    }
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }
}
