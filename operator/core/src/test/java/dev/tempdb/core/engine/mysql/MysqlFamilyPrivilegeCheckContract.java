package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the grant SQL really gave is read before the account is unlocked, and an elevated privilege
 * the target does not allow fails the grant with nothing left behind. Also what happens to the
 * stored objects a departing user is the DEFINER of (spec.ownedObjects). Written once, run against
 * MariaDB ({@link MariaDbPrivilegeCheckIT}) and MySQL 8 ({@link MySql8PrivilegeCheckIT}), which add
 * what only their server does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MysqlFamilyPrivilegeCheckContract {
  static final AtomicInteger SEQ = new AtomicInteger();
  static final String READER_PASSWORD = "Reader-" + Long.toHexString(System.nanoTime());
  MysqlFamilyServer db;
  DatabaseEngine engine;

  /** The server under test, started once per JVM. */
  abstract MysqlFamilyServer server();

  /** Rows of the server's role table that grant the user a role. */
  abstract int roleMemberships(String user) throws SQLException;

  /**
   * Grant SQL that writes the grant tables, each in a form this server takes (the tables differ:
   * MariaDB keeps privileges in mysql.global_priv, MySQL in mysql.user).
   */
  abstract Stream<String> grantTableWrites();

  @BeforeAll
  void start() {
    db = server();
    db.admin(
        "DROP DATABASE IF EXISTS pc_app",
        "CREATE DATABASE pc_app",
        "CREATE TABLE pc_app.orders (id int PRIMARY KEY, item varchar(20))",
        "INSERT INTO pc_app.orders VALUES (1, 'book')",
        "DROP DATABASE IF EXISTS pc_shared",
        "CREATE DATABASE pc_shared",
        "CREATE TABLE pc_shared.log (item varchar(20))",
        "CREATE ROLE IF NOT EXISTS pc_reader",
        "GRANT SELECT ON pc_app.* TO pc_reader",
        "CREATE ROLE IF NOT EXISTS pc_creator",
        "GRANT CREATE USER ON *.* TO pc_creator",
        "CREATE ROLE IF NOT EXISTS pc_outer",
        "GRANT pc_creator TO pc_outer",
        // Someone else who may use what is in pc_shared, but cannot read pc_app.
        "CREATE USER IF NOT EXISTS 'pc_colleague'@'%' IDENTIFIED BY '" + READER_PASSWORD + "'",
        "GRANT SELECT, INSERT, EXECUTE ON pc_shared.* TO 'pc_colleague'@'%'");
    engine = DatabaseEngines.open(db.endpoint("test/privileges"), Clock.systemUTC());
  }

  @AfterAll
  void stop() {
    engine.close();
  }

  UserGrant grant(String user, String password, String sql, Set<String> allowed) {
    return new UserGrant(
        user, password, Instant.now().plusSeconds(600), 5, sql, "ns/pc-" + user, "%", allowed);
  }

  int count(String sql, String... params) throws SQLException {
    try (Connection c = db.login(db.adminUser(), db.adminPassword());
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Provisioning fails permanently naming the privilege, and leaves no account or membership. */
  void assertRefused(String sql, String... named) throws SQLException {
    String user = db.newUser("pc");
    String password = Passwords.generate();

    assertThatThrownBy(() -> engine.provision(grant(user, password, sql, Set.of())))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("elevated privileges the target does not allow")
        .hasMessageContaining("spec.allowedPrivileges")
        .hasMessageContaining(String.join(", ", named))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(password));
    assertThat(count("SELECT COUNT(*) FROM mysql.user WHERE User = ?", user)).isZero();
    assertThat(roleMemberships(user)).isZero();
    assertThatThrownBy(() -> db.login(user, password)).hasMessageContaining("Access denied");
  }

  @Test
  void createUserOnEverythingIsRefused() throws SQLException {
    assertRefused("GRANT CREATE USER ON *.* TO {username};", "CREATE USER (directly)");
  }

  @Test
  void superIsRefusedAndEveryRefusedPrivilegeIsNamed() throws SQLException {
    assertRefused(
        "GRANT SUPER ON *.* TO {username}; GRANT FILE, SELECT ON *.* TO {username};",
        "FILE (directly), SUPER (directly)");
  }

  @Test
  void grantOptionOnATableIsRefused() throws SQLException {
    assertRefused(
        "GRANT SELECT ON pc_app.orders TO {username} WITH GRANT OPTION;",
        "GRANT OPTION (directly)");
  }

  @ParameterizedTest
  @MethodSource("grantTableWrites")
  void writingTheGrantTablesIsRefused(String sql) throws SQLException {
    assertRefused(sql, "MYSQL SCHEMA WRITE (directly)");
  }

  @Test
  void aRoleThatHoldsCreateUserIsRefusedNamingTheRole() throws SQLException {
    assertRefused("GRANT pc_creator TO {username};", "CREATE USER (through role pc_creator)");
    assertRefused("GRANT pc_outer TO {username};", "CREATE USER (through role pc_creator)");
  }

  @Test
  void aRoleWithAdminOptionIsRefused() throws SQLException {
    assertRefused("GRANT pc_reader TO {username} WITH ADMIN OPTION;", "GRANT OPTION (directly)");
  }

  @Test
  void aPlainReadGrantPasses() throws SQLException {
    String user = db.newUser("pc");
    String password = Passwords.generate();
    engine.provision(
        grant(
            user,
            password,
            "GRANT SELECT ON pc_app.* TO {username}; GRANT pc_reader TO" + " {username};",
            Set.of()));

    try (Connection c = db.login(user, password);
        Statement s = c.createStatement()) {
      assertThat(s.executeQuery("SELECT item FROM pc_app.orders").next()).isTrue();
      assertThatThrownBy(() -> s.execute("INSERT INTO pc_app.orders VALUES (9, 'x')"))
          .hasMessageContaining("denied");
    }
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  @Test
  void aListedPrivilegeLetsTheGrantPass() throws SQLException {
    String user = db.newUser("pc");
    String password = Passwords.generate();
    String made = "pc_made_" + SEQ.incrementAndGet();
    engine.provision(
        grant(user, password, "GRANT CREATE USER ON *.* TO {username};", Set.of("create user")));

    try (Connection c = db.login(user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE USER '" + made + "'@'%'");
    }
    db.admin("DROP USER '" + made + "'@'%'");
    assertThat(engine.revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  /** A user that may create views and routines in pc_shared and read pc_app. */
  String definerGrant() {
    return "GRANT SELECT ON pc_app.* TO {username};"
        + " GRANT SELECT, INSERT, CREATE VIEW, CREATE ROUTINE, TRIGGER, EVENT ON pc_shared.*"
        + " TO {username};";
  }

  /**
   * A new user with {@link #definerGrant} that has made a SQL SECURITY DEFINER view and procedure,
   * a trigger and an event in pc_shared, each named with {@link #suffixOf} the user.
   */
  String definerOfObjects() throws SQLException {
    String user = db.newUser("pc");
    String password = Passwords.generate();
    engine.provision(grant(user, password, definerGrant(), Set.of()));
    defineObjects(user, password, suffixOf(user));
    return user;
  }

  /** The user name's hash part, unique per user, which names its objects. */
  String suffixOf(String user) {
    return user.substring(user.length() - 8);
  }

  void defineObjects(String user, String password, String suffix) throws SQLException {
    try (Connection c = db.login(user, password);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE SQL SECURITY DEFINER VIEW pc_shared.v_"
              + suffix
              + " AS SELECT item FROM pc_app.orders");
      s.execute(
          "CREATE PROCEDURE pc_shared.p_"
              + suffix
              + "() SQL SECURITY DEFINER SELECT item FROM pc_app.orders");
      s.execute(
          "CREATE TRIGGER pc_shared.t_"
              + suffix
              + " BEFORE INSERT ON pc_shared.log FOR EACH ROW SET NEW.item = NEW.item");
      s.execute(
          "CREATE EVENT pc_shared.e_"
              + suffix
              + " ON SCHEDULE AT CURRENT_TIMESTAMP + INTERVAL 1 DAY ON COMPLETION PRESERVE"
              + " DO DELETE FROM pc_shared.log");
    }
  }

  String colleagueReads(String sql) {
    try (Connection c = db.login("pc_colleague", READER_PASSWORD);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      return "failed: " + e.getMessage();
    }
  }

  /** Views, routines, triggers and events whose DEFINER is the user's account. */
  int definedBy(String user) throws SQLException {
    String definer = user + "@%";
    return count(
        "SELECT (SELECT COUNT(*) FROM information_schema.VIEWS WHERE DEFINER = ?)"
            + " + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE DEFINER = ?)"
            + " + (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE DEFINER = ?)"
            + " + (SELECT COUNT(*) FROM information_schema.EVENTS WHERE DEFINER = ?)",
        definer,
        definer,
        definer,
        definer);
  }

  /**
   * Reassign keeps what the user defined, and keeps the user locked until a DBA hands it over.
   * Measured: while the definer is only locked, its SQL SECURITY DEFINER view still runs with its
   * rights for anyone who may use the view; once the definer is dropped (by a DBA, or by the
   * operator when the admin cannot see the objects) the view and the procedure fail rather than run
   * as someone else.
   */
  @Test
  void reassignKeepsTheObjectsAndOnceTheDefinerIsGoneTheyNoLongerRun() throws SQLException {
    String user = definerOfObjects();
    String suffix = suffixOf(user);
    assertThat(colleagueReads("SELECT item FROM pc_shared.v_" + suffix)).isEqualTo("book");

    RevocationResult result = engine.revoke(user, null, OwnedObjects.Reassign);

    assertThat(result.outcome()).isEqualTo(Outcome.LEFT_DISABLED);
    assertThat(result.detail())
        .contains("it is the DEFINER of ")
        .contains("view pc_shared.v_" + suffix)
        .contains("procedure pc_shared.p_" + suffix)
        .contains("trigger pc_shared.t_" + suffix)
        .contains("event pc_shared.e_" + suffix)
        .contains("ownedObjects");
    assertThat(definedBy(user)).isEqualTo(4);
    // The residual risk of a locked definer (docs/security.md): its view still runs as it.
    assertThat(colleagueReads("SELECT item FROM pc_shared.v_" + suffix)).isEqualTo("book");

    db.admin("DROP USER '" + user + "'@'%'");

    assertThat(colleagueReads("SELECT item FROM pc_shared.v_" + suffix))
        .startsWith("failed:")
        .doesNotContain("book");
    assertThat(colleagueReads("CALL pc_shared.p_" + suffix + "()"))
        .contains("failed:")
        .contains("does not exist");
    assertThat(engine.revoke(user, null, OwnedObjects.Reassign).outcome())
        .isEqualTo(Outcome.ALREADY_ABSENT);
    db.admin(
        "DROP VIEW pc_shared.v_" + suffix,
        "DROP PROCEDURE pc_shared.p_" + suffix,
        "DROP TRIGGER pc_shared.t_" + suffix,
        "DROP EVENT pc_shared.e_" + suffix);
  }

  @Test
  void dropRemovesWhatTheUserDefinedAndThenTheUser() throws SQLException {
    String user = definerOfObjects();
    String suffix = suffixOf(user);
    db.admin("CREATE VIEW pc_shared.keep_" + suffix + " AS SELECT 1 AS one");

    RevocationResult result = engine.revoke(user, null, OwnedObjects.Drop);

    assertThat(result.outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(definedBy(user)).isZero();
    assertThat(count("SELECT COUNT(*) FROM mysql.user WHERE User = ?", user)).isZero();
    assertThat(colleagueReads("SELECT one FROM pc_shared.keep_" + suffix)).isEqualTo("1");
    db.admin("INSERT INTO pc_shared.log VALUES ('after')");
    db.admin("DROP VIEW pc_shared.keep_" + suffix);
  }
}
