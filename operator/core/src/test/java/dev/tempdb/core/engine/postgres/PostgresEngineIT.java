package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.ServerEndpoint;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL engine against a real server, proven by logging in as the users it creates. */
class PostgresEngineIT {
  private static final String READONLY =
      "-- readonly: one schema, no writes\n"
          + "GRANT USAGE ON SCHEMA eng_app TO {username};\n"
          + "GRANT SELECT ON ALL TABLES IN SCHEMA eng_app TO {username}; /* ; in a comment */\n"
          + "SELECT ';' AS \"quoted; semicolon\";";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static PostgresFixture pg;
  private static DatabaseEngine engine;

  @BeforeAll
  static void start() {
    pg = PostgresFixture.get();
    pg.superuser(
        "DROP SCHEMA IF EXISTS eng_app CASCADE",
        "CREATE SCHEMA eng_app",
        "CREATE TABLE eng_app.orders (id int PRIMARY KEY, item text)",
        "INSERT INTO eng_app.orders VALUES (1, 'book')");
    engine = DatabaseEngines.open(pg.endpoint("test/pg"), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  private static String newUser() {
    return "tdb_eng_" + SEQ.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
  }

  private static UserGrant grant(String user, String password, String sql) {
    return new UserGrant(
        user, password, Instant.now().plus(1, ChronoUnit.HOURS), 5, sql, "ns/req-" + user);
  }

  @Test
  void provisionedUserCanReadGrantedTableButNotWrite() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(grant(user, password, READONLY));

    try (Connection c = pg.login(user, password);
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT item FROM eng_app.orders WHERE id = 1");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("book");
      assertThatThrownBy(() -> s.execute("INSERT INTO eng_app.orders VALUES (2, 'pen')"))
          .hasMessageContaining("permission denied");
    }
    assertThatThrownBy(() -> pg.login(user, "wrong-password"))
        .hasMessageContaining("password authentication failed");
  }

  @Test
  void storesAScramVerifierExpiryAndConnectionLimit() throws SQLException {
    String user = newUser();
    engine.provision(grant(user, Passwords.generate(), ""));
    try (Connection c = pg.superuserDataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT rolpassword, rolvaliduntil IS NOT NULL, rolconnlimit FROM pg_authid"
                    + " WHERE rolname = '"
                    + user
                    + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).startsWith("SCRAM-SHA-256$");
      assertThat(rs.getBoolean(2)).as("VALID UNTIL set").isTrue();
      assertThat(rs.getInt(3)).isEqualTo(5);
    }
  }

  @Test
  void provisioningAgainResetsThePasswordOfTheSameUser() throws SQLException {
    String user = newUser();
    String first = Passwords.generate();
    String second = Passwords.generate();
    engine.provision(grant(user, first, READONLY));
    engine.provision(grant(user, second, READONLY));

    assertThatThrownBy(() -> pg.login(user, first)).isInstanceOf(SQLException.class);
    try (Connection c = pg.login(user, second)) {
      assertThat(c.isValid(2)).isTrue();
    }
    assertThat(engine.listManagedUsers(user))
        .extracting(ManagedUser::username)
        .containsExactly(user);
  }

  @Test
  void theDatabaseItselfRefusesLoginAfterTheExpiry() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(grant(user, password, READONLY));
    try (Connection c = pg.login(user, password)) {
      assertThat(c.isValid(2)).isTrue();
    }

    assertThat(engine.changeExpiry(user, Instant.now().minusSeconds(1))).isTrue();

    assertThatThrownBy(() -> pg.login(user, password))
        .hasMessageContaining("password authentication failed");
    assertThat(engine.changeExpiry("tdb_no_such_user", Instant.now())).isFalse();
  }

  @Test
  void revokeEndsOpenSessionsAndDropsTheUser() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(grant(user, password, READONLY));
    Connection session = pg.login(user, password);
    ResultSet backend = session.createStatement().executeQuery("SELECT pg_backend_pid()");
    backend.next();
    long pid = backend.getLong(1);

    RevocationResult result = engine.revoke(user, null);

    assertThat(result.outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(result.endedSessions())
        .as("the audit names the session cut off")
        .containsExactly(pid);
    assertThatThrownBy(() -> session.createStatement().execute("SELECT 1"))
        .isInstanceOf(SQLException.class);
    session.close();
    assertThat(roleExists(user)).isFalse();
    assertThatThrownBy(() -> pg.login(user, password)).isInstanceOf(SQLException.class);
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.ALREADY_ABSENT);
  }

  @Test
  void objectsTheUserCreatedAreReassignedSoTheUserCanBeDropped() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(
        grant(user, password, READONLY + "\nGRANT CREATE ON SCHEMA eng_app TO {username};"));
    String table = "eng_app.made_by_" + user;
    try (Connection c = pg.login(user, password)) {
      c.createStatement().execute("CREATE TABLE " + table + " (x int)");
    }

    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);

    assertThat(roleExists(user)).isFalse();
    try (Connection c = pg.superuserDataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT tableowner FROM pg_tables WHERE tablename = 'made_by_" + user + "'")) {
      assertThat(rs.next()).as("table kept").isTrue();
      assertThat(rs.getString(1)).as("never the admin").isEqualTo(OrphanOwner.OPERATOR_HEIR);
    }
  }

  @Test
  void objectsGoToTheConfiguredOwnerWhenThereIsOne() throws SQLException {
    pg.superuser("DROP ROLE IF EXISTS eng_heir", "CREATE ROLE eng_heir NOLOGIN");
    ServerEndpoint withHeir = PgTestbed.withHeir(pg.endpoint("test/heir"), "eng_heir");
    String user = newUser();
    String password = Passwords.generate();
    try (DatabaseEngine heirEngine = DatabaseEngines.open(withHeir, Clock.systemUTC())) {
      heirEngine.provision(
          grant(user, password, "GRANT USAGE, CREATE ON SCHEMA eng_app TO {username};"));
      try (Connection c = pg.login(user, password)) {
        c.createStatement().execute("CREATE TABLE eng_app.inherited_" + user + " (x int)");
      }
      assertThat(heirEngine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
    }
    try (Connection c = pg.superuserDataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT tableowner FROM pg_tables WHERE tablename = 'inherited_"
                        + user
                        + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("eng_heir");
    }
  }

  @Test
  void aUserThatCannotBeDroppedIsLeftLockedAndSaysWhy() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    String otherDb = "eng_other_" + SEQ.incrementAndGet();
    pg.superuser("CREATE DATABASE " + otherDb);
    engine.provision(
        grant(user, password, "GRANT CREATE ON DATABASE " + otherDb + " TO {username}"));
    try (Connection c = pg.login(otherDb, user, password)) {
      c.createStatement().execute("CREATE SCHEMA owned_elsewhere");
    }
    // What it owns there is handed over (OtherDatabasesIT), unless nobody can connect to it.
    pg.superuser("ALTER DATABASE " + otherDb + " ALLOW_CONNECTIONS false");

    RevocationResult result = engine.revoke(user, null);

    assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
    assertThat(result.detail())
        .startsWith("in database " + otherDb + ": ")
        .contains("not currently accepting connections");
    assertThat(result.detail()).doesNotContain(password);
    assertThat(roleExists(user)).isTrue();
    assertThatThrownBy(() -> pg.login(user, password)).isInstanceOf(SQLException.class);
  }

  @Test
  void revokeSqlRunsBeforeTheDrop() throws SQLException {
    pg.superuser("CREATE TABLE IF NOT EXISTS eng_app.allow_list (username text)");
    String user = newUser();
    engine.provision(
        grant(
            user, Passwords.generate(), "INSERT INTO eng_app.allow_list VALUES ('" + user + "')"));
    assertThat(count("SELECT count(*) FROM eng_app.allow_list WHERE username = '" + user + "'"))
        .isEqualTo(1);

    engine.revoke(user, "DELETE FROM eng_app.allow_list WHERE username = '" + user + "'");

    assertThat(count("SELECT count(*) FROM eng_app.allow_list WHERE username = '" + user + "'"))
        .isZero();
  }

  @Test
  void failingRevokeSqlLeavesTheUserLockedAndSaysWhy() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(grant(user, password, READONLY));

    RevocationResult result = engine.revoke(user, "DELETE FROM eng_app.no_such_table");

    assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
    assertThat(result.detail()).contains("revoke SQL failed").contains("no_such_table");
    assertThat(roleExists(user)).isTrue();
    assertThatThrownBy(() -> pg.login(user, password)).isInstanceOf(SQLException.class);
  }

  @Test
  void failingGrantSqlIsPermanentAndLeavesNoUser() throws SQLException {
    String user = newUser();
    assertThatThrownBy(
            () ->
                engine.provision(
                    grant(
                        user,
                        Passwords.generate(),
                        "GRANT SELECT ON eng_app.missing TO {username}")))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("grant SQL failed")
        .hasMessageContaining("missing");
    assertThat(roleExists(user)).isFalse();
  }

  @Test
  void listsOnlyMarkedUsersWithThePrefix() {
    String prefix = "tdb_list" + SEQ.incrementAndGet() + "_";
    String managed = prefix + "dana_abcdefgh";
    pg.superuser(
        "CREATE ROLE " + prefix + "unmarked LOGIN", "CREATE ROLE other_" + prefix + " LOGIN");
    engine.provision(grant(managed, Passwords.generate(), ""));

    assertThat(engine.listManagedUsers(prefix))
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.username()).isEqualTo(managed);
              assertThat(u.createdAt()).isBetween(Instant.now().minusSeconds(60), Instant.now());
            });
  }

  @Test
  void concurrentGrantsAndRevocationsOnTheSameSchemaAllSucceed() throws Exception {
    // Without serialising privilege changes, PostgreSQL fails some of these with "tuple
    // concurrently updated" (the schema's privilege list is rewritten by each GRANT).
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      users.add(newUser());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> grants = new ArrayList<>();
      for (String user : users) {
        grants.add(
            pool.submit(() -> engine.provision(grant(user, Passwords.generate(), READONLY))));
      }
      for (Future<?> f : grants) {
        f.get(60, TimeUnit.SECONDS);
      }
      List<Future<RevocationResult>> revokes = new ArrayList<>();
      for (String user : users) {
        revokes.add(pool.submit(() -> engine.revoke(user, null)));
      }
      for (Future<RevocationResult> f : revokes) {
        assertThat(f.get(60, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.DROPPED);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reportsTheServerVersion() {
    assertThat(engine.serverVersion()).startsWith("17.");
  }

  private static boolean roleExists(String user) throws SQLException {
    return count("SELECT count(*) FROM pg_roles WHERE rolname = '" + user + "'") > 0;
  }

  private static int count(String sql) throws SQLException {
    try (Connection c = pg.superuserDataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
