package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.PostgresFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The grant SQL we ship in targets/ does what its comment says on a real PostgreSQL. */
class TargetSqlFilesIT {
  private static final Path TARGETS = Path.of("../../targets");
  private static PostgresFixture pg;
  private static DatabaseEngine engine;

  @BeforeAll
  static void start() throws SQLException {
    pg = PostgresFixture.get();
    pg.superuser("DROP DATABASE IF EXISTS app", "CREATE DATABASE app");
    try (Connection c =
            pg.login("app", PostgresFixture.ADMIN_USER, PostgresFixture.ADMIN_PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("REVOKE ALL ON DATABASE app FROM PUBLIC");
      s.execute("CREATE TABLE public.customers (id serial PRIMARY KEY, name text)");
      s.execute("INSERT INTO public.customers (name) VALUES ('ada')");
    }
    engine = DatabaseEngines.open(pg.endpoint("targets", "app"), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  private static String provision(String file, String user) throws IOException {
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
    String user = "tdb_targets_ro";
    String password = provision("readonly.sql", user);
    try (Connection c = pg.login("app", user, password);
        Statement s = c.createStatement()) {
      assertThat(s.executeQuery("SELECT name FROM customers").next()).isTrue();
      assertThatThrownBy(() -> s.execute("INSERT INTO customers (name) VALUES ('eve')"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> s.execute("CREATE TABLE mine (x int)"))
          .hasMessageContaining("permission denied");
    }
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  @Test
  void readwriteChangesRowsButNoSchema() throws Exception {
    String user = "tdb_targets_rw";
    String password = provision("readwrite.sql", user);
    try (Connection c = pg.login("app", user, password);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO customers (name) VALUES ('bob')");
      s.execute("UPDATE customers SET name = 'bobby' WHERE name = 'bob'");
      s.execute("DELETE FROM customers WHERE name = 'bobby'");
      assertThatThrownBy(() -> s.execute("DROP TABLE customers"))
          .hasMessageContaining("must be owner");
    }
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }
}
