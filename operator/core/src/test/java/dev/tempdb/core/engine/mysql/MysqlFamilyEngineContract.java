package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The MySQL-family engine against a real server, proven by logging in as the users it creates;
 * written once, run against MariaDB ({@link MariaDbEngineIT}) and MySQL 8 ({@link MySql8EngineIT}),
 * which add what only their server does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MysqlFamilyEngineContract {
  static final String READONLY =
      "-- readonly: one schema, no writes\n"
          + "GRANT SELECT ON eng_app.* TO {username}; /* ; in a comment */\n"
          + "# a hash comment; with a semicolon\n"
          + "SELECT ';' AS `quoted; semicolon`;";
  MysqlFamilyServer db;
  DatabaseEngine engine;

  /** The server under test, started once per JVM. */
  abstract MysqlFamilyServer server();

  @BeforeAll
  void start() {
    db = server();
    db.admin(
        "DROP DATABASE IF EXISTS eng_app",
        "CREATE DATABASE eng_app",
        "CREATE TABLE eng_app.orders (id int PRIMARY KEY, item varchar(20))",
        "INSERT INTO eng_app.orders VALUES (1, 'book')",
        "CREATE ROLE IF NOT EXISTS eng_reader",
        "GRANT SELECT ON eng_app.* TO eng_reader",
        "CREATE ROLE IF NOT EXISTS eng_other");
    engine = DatabaseEngines.open(db.endpoint("test/" + db.engine()), Clock.systemUTC());
  }

  @AfterAll
  void stop() {
    engine.close();
  }

  String newUser() {
    return db.newUser("eng");
  }

  static UserGrant grant(String user, String password, String sql) {
    return new UserGrant(
        user, password, Instant.now().plus(1, ChronoUnit.HOURS), 5, sql, "ns/req-" + user);
  }

  List<String> hostsOf(String user) throws SQLException {
    List<String> hosts = new ArrayList<>();
    try (Connection c = db.login(db.adminUser(), db.adminPassword());
        PreparedStatement ps = c.prepareStatement("SELECT Host FROM mysql.user WHERE User = ?")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          hosts.add(rs.getString(1));
        }
      }
    }
    return hosts;
  }

  @Test
  void provisionedUserCanReadGrantedSchemaButNotWrite() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(grant(user, password, READONLY));

    try (Connection c = db.login("eng_app", user, password);
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT item FROM orders WHERE id = 1");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("book");
      assertThatThrownBy(() -> s.executeUpdate("INSERT INTO orders VALUES (2, 'pen')"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("denied");
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM mysql.user"))
          .hasMessageContaining("denied");
    }
    assertThat(hostsOf(user)).containsExactly("%");
  }

  @Test
  void wrongPasswordIsRefusedAndConnectionLimitHolds() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(
        new UserGrant(
            user, password, Instant.now().plusSeconds(600), 2, READONLY, "ns/limit", "%"));

    assertThatThrownBy(() -> db.login(user, Passwords.generate()))
        .hasMessageContaining("Access denied");
    try (Connection a = db.login(user, password);
        Connection b = db.login(user, password)) {
      assertThatThrownBy(() -> db.login(user, password))
          .hasMessageContaining("max_user_connections");
    }
  }

  @Test
  void accountUsesTheTargetsHostPattern() throws SQLException {
    String local = newUser();
    String localPassword = Passwords.generate();
    engine.provision(
        new UserGrant(
            local, localPassword, Instant.now().plusSeconds(600), 5, "", "ns/h", "127.0.0.1"));
    String remote = newUser();
    String remotePassword = Passwords.generate();
    engine.provision(
        new UserGrant(
            remote, remotePassword, Instant.now().plusSeconds(600), 5, "", "ns/h", "10.9.%"));

    assertThat(hostsOf(local)).containsExactly("127.0.0.1");
    db.login(local, localPassword).close();
    assertThat(hostsOf(remote)).containsExactly("10.9.%");
    assertThatThrownBy(() -> db.login(remote, remotePassword))
        .hasMessageContaining("Access denied");
    assertThat(engine.revoke(remote, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  @Test
  void provisioningAgainStartsFromScratchUnderTheNewHostPattern() throws SQLException {
    String user = newUser();
    String first = Passwords.generate();
    engine.provision(
        new UserGrant(user, first, Instant.now().plusSeconds(600), 5, READONLY, "ns/a", "10.%"));
    String second = Passwords.generate();
    engine.provision(grant(user, second, ""));

    assertThat(hostsOf(user)).containsExactly("%");
    assertThatThrownBy(() -> db.login(user, first)).hasMessageContaining("Access denied");
    try (Connection c = db.login(user, second);
        Statement s = c.createStatement()) {
      // The first attempt's grants went with its account.
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM eng_app.orders"))
          .hasMessageContaining("denied");
    }
  }

  @Test
  void failingGrantSqlLeavesNoUserBehind() throws SQLException {
    String user = newUser();
    String sql = "GRANT SELECT ON eng_app.* TO {username};\nSELECT * FROM eng_app.missing_table;";

    assertThatThrownBy(() -> engine.provision(grant(user, Passwords.generate(), sql)))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("grant SQL failed")
        .hasMessageContaining("missing_table");
    assertThat(hostsOf(user)).isEmpty();
  }

  @Test
  void aConnectionLimitOfZeroIsRefusedRatherThanMeaningUnlimited() {
    String user = newUser();
    assertThatThrownBy(
            () ->
                engine.provision(
                    new UserGrant(
                        user, Passwords.generate(), Instant.now().plusSeconds(60), 0, "", "ns/z")))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("connectionLimit 0");
  }

  @Test
  void aLeaseBeyondWhatTheServersExpiryEventCanHoldIsRefusedBeforeCreatingTheUser()
      throws SQLException {
    String user = newUser();
    Instant in2140 = Instant.parse("2140-01-01T00:00:00Z");

    assertThatThrownBy(
            () ->
                engine.provision(
                    new UserGrant(user, Passwords.generate(), in2140, 1, READONLY, "ns/far")))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("after 2038-01-19T03:14:07Z")
        .hasMessageContaining("spec.ttl");
    assertThat(hostsOf(user)).isEmpty();
  }

  @Test
  void grantedRoleIsActiveAtLogin() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(grant(user, password, "GRANT eng_reader TO {username};"));

    try (Connection c = db.login(user, password);
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT CURRENT_ROLE(), COUNT(*) FROM eng_app.orders");
      rs.next();
      assertThat(rs.getString(1)).contains("eng_reader");
      assertThat(rs.getInt(2)).isEqualTo(1);
    }
  }

  @Test
  void revocationKillsOpenSessionsAndDropsTheUser() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(grant(user, password, READONLY));
    Connection open = db.login(user, password);
    ResultSet id = open.createStatement().executeQuery("SELECT CONNECTION_ID()");
    id.next();
    long processListId = id.getLong(1);

    RevocationResult result = engine.revoke(user, null);

    assertThat(result.outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(result.endedSessions())
        .as("the audit names the session cut off")
        .containsExactly(processListId);
    assertThatThrownBy(() -> open.createStatement().executeQuery("SELECT 1"))
        .isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> db.login(user, password)).hasMessageContaining("Access denied");
    assertThat(hostsOf(user)).isEmpty();
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.ALREADY_ABSENT);
  }

  @Test
  void failingRevokeSqlLeavesTheUserLockedWithItsPasswordGone() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(grant(user, password, READONLY));
    Connection open = db.login(user, password);

    RevocationResult result = engine.revoke(user, "DELETE FROM eng_app.no_such_table;");

    assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
    assertThat(result.detail()).contains("no_such_table");
    assertThat(result.sessionsTerminated()).isEqualTo(1);
    assertThat(open.isValid(2)).isFalse();
    assertThat(hostsOf(user)).containsExactly("%");
    assertThatThrownBy(() -> db.login(user, password)).isInstanceOf(SQLException.class);
    // Unlocking by hand would not bring the published password back.
    db.admin("ALTER USER '" + user + "'@'%' ACCOUNT UNLOCK");
    assertThatThrownBy(() -> db.login(user, password)).hasMessageContaining("Access denied");
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  @Test
  void aDefinerIsLeftLockedUntilItsObjectsAreHandedOver() throws SQLException {
    String user = newUser();
    String password = Passwords.generate();
    String view = "v_" + user;
    engine.provision(grant(user, password, READONLY));
    db.admin(
        "CREATE DEFINER = '"
            + user
            + "'@'%' SQL SECURITY DEFINER VIEW eng_app."
            + view
            + " AS SELECT item FROM eng_app.orders");

    RevocationResult result = engine.revoke(user, null);

    assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
    assertThat(result.detail()).contains("DEFINER of view eng_app." + view);
    assertThatThrownBy(() -> db.login(user, password)).isInstanceOf(SQLException.class);
    db.admin("DROP VIEW eng_app." + view);
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(hostsOf(user)).isEmpty();
  }

  int expiryEvents(String user) throws SQLException {
    try (Connection c = db.login(db.adminUser(), db.adminPassword());
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_NAME = ?")) {
      ps.setString(1, "tempdb_expire_" + user);
      ResultSet rs = ps.executeQuery();
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void theServerItselfEndsAccessAtTheExpiryWithoutTheOperator() throws Exception {
    assertThat(((MysqlEngine) engine).enforcesExpiry()).isTrue();
    String user = newUser();
    String password = Passwords.generate();
    engine.provision(
        new UserGrant(user, password, Instant.now().plusSeconds(2), 5, READONLY, "ns/e", "%"));
    Connection open = db.login(user, password);
    assertThat(expiryEvents(user)).isOne();

    // Nobody calls revoke: the operator is "down".
    Awaitility.await()
        .atMost(Duration.ofSeconds(8))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !open.isValid(1));

    assertThat(open.isValid(1)).as("the session was ended at the expiry").isFalse();
    assertThatThrownBy(() -> db.login(user, password)).hasMessageContaining("locked");
    assertThat(expiryEvents(user)).as("one-shot event removed itself").isZero();
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  @Test
  void changingTheExpiryMovesTheServersDeadlineAndRevocationRemovesIt() throws Exception {
    String user = newUser();
    String password = Passwords.generate();
    Instant firstDeadline = Instant.now().plusSeconds(2);
    engine.provision(new UserGrant(user, password, firstDeadline, 5, READONLY, "ns/e", "%"));
    // A witness keeps the first deadline: once its event has run, the server is past it.
    String witness = newUser();
    engine.provision(
        new UserGrant(witness, Passwords.generate(), firstDeadline, 5, READONLY, "ns/e", "%"));

    assertThat(engine.changeExpiry(user, Instant.now().plusSeconds(3600))).isTrue();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> expiryEvents(witness) == 0);

    try (Connection c = db.login(user, password)) {
      assertThat(c.isValid(1)).isTrue();
    }
    assertThat(expiryEvents(user)).isOne();
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(expiryEvents(user)).isZero();
    assertThat(engine.changeExpiry(user, Instant.now().plusSeconds(60))).isFalse();
    engine.revoke(witness, null);
  }

  @Test
  void revokingAUserADbaAlreadyDroppedStillRemovesItsEvent() throws SQLException {
    String user = newUser();
    engine.provision(grant(user, Passwords.generate(), ""));
    db.admin("DROP USER '" + user + "'@'%'");

    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.ALREADY_ABSENT);
    assertThat(expiryEvents(user)).isZero();
  }

  @Test
  void listsOnlyUsersWithTheGeneratedShapeAndTheirCreationTime() throws SQLException {
    String managed = newUser();
    engine.provision(grant(managed, Passwords.generate(), ""));
    db.admin(
        "CREATE USER IF NOT EXISTS 'tdb_dba_by_hand'@'%' IDENTIFIED BY 'x-Y-1-z'",
        "CREATE USER IF NOT EXISTS 'other_abc_abcdefgh'@'%' IDENTIFIED BY 'x-Y-1-z'");

    List<ManagedUser> users = engine.listManagedUsers("tdb_");

    assertThat(users).extracting(ManagedUser::username).contains(managed);
    assertThat(users)
        .extracting(ManagedUser::username)
        .doesNotContain("tdb_dba_by_hand", "other_abc_abcdefgh");
    ManagedUser listed =
        users.stream().filter(u -> u.username().equals(managed)).findFirst().orElseThrow();
    assertThat(listed.createdAt()).isBetween(Instant.now().minusSeconds(60), Instant.now());
  }

  @Test
  void aTwentyCharacterLocalPartFitsAndStaysRecognisable() throws SQLException {
    String user =
        Usernames.forGrant("tdb_", "abcdefghijklmnopqrst@example.com", "uid-20-chars", 32);
    String password = Passwords.generate();
    engine.provision(grant(user, password, READONLY));

    assertThat(user).hasSizeLessThanOrEqualTo(32).startsWith("tdb_abcdefghijklmnopqrs");
    db.login(user, password).close();
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  @Test
  void concurrentGrantsAndRevocationsAllSucceed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        work.add(
            pool.submit(
                () -> {
                  String user = newUser();
                  String password = Passwords.generate();
                  engine.provision(grant(user, password, "GRANT eng_reader TO {username};"));
                  try (Connection c = db.login(user, password)) {
                    c.createStatement().executeQuery("SELECT * FROM eng_app.orders").close();
                  }
                  assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
