package dev.tempdb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.operator.testing.LogCapture;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.ScrapedMetrics;
import dev.tempdb.operator.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The life of a request end to end, written once and run against every engine: TemporaryDbAccess
 * resources on the mock API server become real database users, proven by logging in with the
 * published password. Kubernetes-side behaviour that does not depend on the engine is in
 * TemporaryDbAccessIT.
 *
 * <p>One concrete class per engine (not a parameterized class), so that each engine's report counts
 * its own tests; each class runs its own operator, started once for its tests.
 */
abstract class AccessScenariosContract {
  static OperatorFixture op;
  // One for the JVM: its appender is never removed, so a second one would only record twice.
  static final LogCapture logs = new LogCapture();
  static final Set<Engine> PREPARED = EnumSet.noneOf(Engine.class);

  final Engine engine;
  TestDatabase db;

  AccessScenariosContract(Engine engine) {
    this.engine = engine;
  }

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
  }

  @AfterAll
  static void stop() {
    op.close();
  }

  @BeforeEach
  void prepareServer() {
    db = TestDatabase.of(engine);
    if (PREPARED.add(engine)) {
      op.server(db);
      db.recreateSchema("shop", "orders (id int PRIMARY KEY, item varchar(20))");
      db.admin("INSERT INTO shop.orders VALUES (1, 'book')");
      op.target(db.key(), readonly(), db.readonlySql("shop"), null, "8h");
    }
  }

  /** Resource names of this engine's run, kept apart from the other engine's. */
  private String named(String name) {
    return name + "-" + db.key();
  }

  private String readonly() {
    return named("readonly");
  }

  @Test
  void grantPublishesCredentialsThatLogInWithExactlyTheTargetRights() throws SQLException {
    String name = named("grant");
    op.request(name, readonly(), "dana.lee@acme-corp.example", "1h");

    TemporaryDbAccess tda = op.awaitPhase(name, Phase.Active);

    var status = tda.getStatus();
    assertThat(status.getUsername()).matches("tdb_dana_lee_[a-z2-7]{8}");
    assertThat(status.getServer()).isEqualTo(db.key());
    assertThat(status.getObservedGeneration()).isEqualTo(tda.getMetadata().getGeneration());
    assertThat(
            Duration.between(
                Instant.parse(status.getGrantedAt()), Instant.parse(status.getExpiresAt())))
        .isEqualTo(Duration.ofHours(1));
    assertThat(status.getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .containsExactly(
            "Ready=True/Granted",
            "UserProvisioned=True/UserCreated",
            "CredentialsPublished=True/Published");

    Secret secret = op.secret(status.getCredentials().getKubernetesSecret());
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(tda.getMetadata().getUid()));
    Map<String, String> creds = OperatorFixture.decode(secret);
    assertThat(creds)
        .containsEntry("engine", engine.name().toLowerCase(java.util.Locale.ROOT))
        .containsEntry("username", status.getUsername())
        .containsEntry("host", OperatorFixture.PUBLISHED_HOST)
        .containsEntry("port", Integer.toString(db.port()))
        // MySQL and MariaDB: no database, whose USE the user may have no right to.
        .containsEntry("database", engine == Engine.POSTGRESQL ? db.database() : "")
        .containsEntry("expiresAt", status.getExpiresAt())
        .containsKeys("password", "uri", "jdbcUrl");
    String password = creds.get("password");
    if (engine != Engine.MARIADB) {
      // The published URL at the user's first login, as the requester's client sees it (MySQL 8:
      // caching_sha2_password has not cached the user yet, so the client needs the server's RSA
      // key). MariaDB's URL is for MariaDB Connector/J, which these tests do not have.
      try (Connection c = OperatorFixture.loginWithPublishedUrl(creds.get("jdbcUrl"))) {
        assertThat(c.isValid(2)).isTrue();
      }
    }

    try (Connection c = db.login(status.getUsername(), password);
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT item FROM shop.orders");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("book");
      assertThatThrownBy(() -> s.execute("INSERT INTO shop.orders VALUES (2, 'pen')"))
          .hasMessageContaining(db.permissionDenied());
    }
    assertThatThrownBy(() -> db.login(status.getUsername(), Passwords.generate()))
        .isInstanceOf(SQLException.class);

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                op.client()
                    .resources(AccessTarget.class)
                    .inNamespace(OperatorFixture.CONTROL_NS)
                    .withName(readonly())
                    .get()
                    .getStatus()
                    .getActiveGrants(),
            n -> n != null && n >= 1);
    assertThat(Serialization.asJson(op.get(name).getStatus())).doesNotContain(password);
    assertThat(op.awaitEvent(name, "Granted"))
        .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(password));
  }

  @Test
  void expiryRemovesTheUserAndTheSecretAndKeepsAnAuditRecord() throws SQLException {
    String name = named("expiry");
    op.request(name, readonly(), "erin@acme-corp.example", "6s");
    TemporaryDbAccess active = op.awaitPhase(name, Phase.Active);
    String user = active.getStatus().getUsername();
    String secretName = active.getStatus().getCredentials().getKubernetesSecret();
    String password = op.publishedPassword(active);
    Connection session = db.login(user, password);

    TemporaryDbAccess expired = op.awaitPhase(name, Phase.Expired);

    assertThat(Instant.parse(expired.getStatus().getRevokedAt()))
        .isAfterOrEqualTo(Instant.parse(active.getStatus().getExpiresAt()))
        .isBefore(Instant.parse(active.getStatus().getExpiresAt()).plusSeconds(15));
    assertThat(expired.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .contains("Ready=False/Expired", "UserRemoved=True/Dropped");
    assertThat(db.userExists(user)).isFalse();
    assertThat(op.secret(secretName)).isNull();
    assertThat(session.isValid(2)).as("the open session was ended at expiry").isFalse();
    session.close();
    assertThatThrownBy(() -> db.login(user, password)).isInstanceOf(SQLException.class);
    op.awaitEvent(name, "Expired");
    assertThat(op.eventsFor(name)).extracting(Event::getReason).contains("Granted", "Expired");
    if (db.engine() == Engine.POSTGRESQL) {
      // The audit shows the open session was cut off, by the server's id for it. (On MySQL and
      // MariaDB the server's own expiry event ended it first, so the operator found none.)
      assertThat(expired.getStatus().getMessage())
          .contains("1 session(s) ended (server session ids ");
      assertThat(op.eventsFor(name))
          .filteredOn(e -> "Expired".equals(e.getReason()))
          .extracting(Event::getMessage)
          .singleElement()
          .asString()
          .containsPattern("1 session\\(s\\) ended \\(server session ids \\d+\\)");
    }

    // The audit record goes away after the configured retention.
    op.awaitGone(name);
  }

  @Test
  void deletingMidLeaseCutsOffAnOpenSessionAndRemovesEverything() throws SQLException {
    String name = named("delete");
    op.request(name, readonly(), "frank@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase(name, Phase.Active);
    String user = active.getStatus().getUsername();
    String secretName = active.getStatus().getCredentials().getKubernetesSecret();
    String password = op.publishedPassword(active);
    Connection session = db.login(user, password);
    session.createStatement().execute("SELECT count(*) FROM shop.orders");

    op.client().resource(active).delete();
    op.awaitGone(name);

    assertThatThrownBy(() -> session.createStatement().execute("SELECT 1"))
        .isInstanceOf(SQLException.class);
    session.close();
    assertThat(db.userExists(user)).isFalse();
    assertThat(op.secret(secretName)).isNull();
    assertThatThrownBy(() -> db.login(user, password)).isInstanceOf(SQLException.class);
    assertThat(logs.lines()).isNotEmpty().noneMatch(line -> line.contains(password));
  }

  @Test
  void raisingTtlExtendsTheSameCredentialsAndLoweringItEndsAccess() throws SQLException {
    String name = named("extend");
    op.request(name, readonly(), "iris@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase(name, Phase.Active);
    String user = active.getStatus().getUsername();
    String secretName = active.getStatus().getCredentials().getKubernetesSecret();
    String password = op.publishedPassword(active);
    Instant granted = Instant.parse(active.getStatus().getGrantedAt());

    active.getSpec().setTtl("2h");
    op.client().resource(active).update();
    TemporaryDbAccess extended =
        op.awaitRequest(
            name,
            t -> granted.plus(Duration.ofHours(2)).toString().equals(t.getStatus().getExpiresAt()));

    assertThat(extended.getStatus().getPhase()).isEqualTo(Phase.Active);
    assertThat(extended.getStatus().getGrantedAt()).isEqualTo(active.getStatus().getGrantedAt());
    Map<String, String> creds = OperatorFixture.decode(op.secret(secretName));
    assertThat(creds).containsEntry("password", password);
    assertThat(creds).containsEntry("expiresAt", extended.getStatus().getExpiresAt());
    if (engine == Engine.POSTGRESQL) {
      // PostgreSQL enforces the expiry itself (VALID UNTIL), so it moves too.
      Instant inDatabase = db.databaseExpiry(user).orElseThrow();
      assertThat(Duration.between(inDatabase, Instant.parse(extended.getStatus().getExpiresAt())))
          .as("PostgreSQL keeps microseconds")
          .isLessThan(Duration.ofMillis(1))
          .isGreaterThan(Duration.ofMillis(-1));
    } else {
      // MySQL and MariaDB: the expiry event moves, scheduled in whole seconds on the server clock.
      Instant event = db.databaseExpiry(user).orElseThrow();
      assertThat(Duration.between(event, Instant.parse(extended.getStatus().getExpiresAt())).abs())
          .isLessThanOrEqualTo(Duration.ofSeconds(2));
    }
    try (Connection c = db.login(user, password)) {
      assertThat(c.isValid(2)).isTrue();
    }
    op.awaitEvent(name, "Extended");

    extended.getSpec().setTtl("1s");
    op.client().resource(extended).update();
    op.awaitPhase(name, Phase.Expired);
    assertThat(db.userExists(user)).isFalse();
  }

  @Test
  void failingGrantSqlFailsTheRequestAndLeavesNoUser() {
    String target = named("broken");
    op.target(db.key(), target, "GRANT SELECT ON shop.no_such_table TO {username};", null, "8h");
    String name = named("broken");
    op.request(name, target, "kate@acme-corp.example", "1h");

    TemporaryDbAccess failed = op.awaitPhase(name, Phase.Failed);

    assertThat(failed.getStatus().getMessage())
        .contains("grant SQL failed")
        .contains("no_such_table");
    assertThat(db.usersStartingWith("tdb_kate_")).isEmpty();
    assertThat(failed.getStatus().getCredentials()).isNull();
    assertThat(op.secret(name + "-credentials")).isNull();
  }

  @Test
  void aUserThatCannotBeDroppedStaysLockedVisiblyUntilTheDbaFixesIt() throws Exception {
    String target = named("pinnable");
    op.target(db.key(), target, db.pinnableGrantSql(), null, "8h");
    String name = named("stuck");
    TemporaryDbAccess tda = op.request(name, target, "pete@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase(name, Phase.Active);
    String user = active.getStatus().getUsername();
    String secretName = active.getStatus().getCredentials().getKubernetesSecret();
    String password = op.publishedPassword(active);
    Runnable unpin = db.pin(user, password);

    op.client().resource(tda).delete();
    TemporaryDbAccess stuck = op.awaitPhase(name, Phase.Revoking);

    assertThat(stuck.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(stuck.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .contains("Ready=False/DropFailed", "UserRemoved=False/DropFailed");
    assertThat(stuck.getStatus().getMessage()).contains("locked").contains("could not be dropped");
    assertThat(op.secret(secretName)).isNull();
    assertThat(db.userExists(user)).isTrue();
    assertThatThrownBy(() -> db.login(user, password)).isInstanceOf(SQLException.class);
    op.awaitEvent(name, "DropFailed");
    // Retried every recheck interval (2 s here), but warned about once: wait until the operator
    // has failed twice more since the warning (the first failure may not be counted yet when the
    // event is seen), then count the warnings.
    double failures = Math.max(1, ScrapedMetrics.revocationFailures(op.app(), target));
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ScrapedMetrics.revocationFailures(op.app(), target) >= failures + 2);
    assertThat(op.eventsFor(name)).filteredOn(e -> "DropFailed".equals(e.getReason())).hasSize(1);

    // The DBA hands over what pinned the user; the next retry finishes.
    unpin.run();
    op.awaitGone(name);
    assertThat(db.userExists(user)).isFalse();
  }

  @Test
  void theSweepDropsManagedUsersWithoutARequestAndNothingElse() throws SQLException {
    String name = named("sweep-live");
    op.request(name, readonly(), "liam@acme-corp.example", "1h");
    String live = op.awaitPhase(name, Phase.Active).getStatus().getUsername();
    try (DatabaseEngine engine = DatabaseEngines.open(db.endpoint("sweep"), Clock.systemUTC())) {
      engine.provision(
          new UserGrant(
              "tdb_orphan_abcdefgh",
              Passwords.generate(),
              Instant.now().plusSeconds(3600),
              1,
              "",
              "team-a/deleted-long-ago"));
    }
    db.createUnmanagedUser("tdb_handmade_by_dba");
    db.createUnmanagedUser("unrelated_user");
    // A DBA's user that even has the generated shape: PostgreSQL and MySQL mark their users
    // (comment; ATTRIBUTE or, below 8.0.21, a tempdb_operator.managed_users row), so it is not
    // theirs. MariaDB has no mark: there the reserved prefix and this shape are the mark.
    String shaped =
        Usernames.forGrant("tdb_", "dba.made@acme-corp.example", UUID.randomUUID().toString(), 32);
    if (engine != Engine.MARIADB) {
      db.createUnmanagedUser(shaped);
    }

    Map<String, List<String>> removed = op.app().sweeper().sweepOnce();

    // Other servers on the same database (from other tests) may report it instead: either is fine.
    assertThat(removed.values().stream().flatMap(List::stream))
        .containsExactly("tdb_orphan_abcdefgh");
    assertThat(db.userExists("tdb_orphan_abcdefgh")).isFalse();
    assertThat(db.userExists(live)).isTrue();
    assertThat(db.userExists("tdb_handmade_by_dba")).isTrue();
    assertThat(db.userExists("unrelated_user")).isTrue();
    if (engine != Engine.MARIADB) {
      assertThat(Usernames.hasGeneratedShape("tdb_", shaped)).isTrue();
      assertThat(db.userExists(shaped)).isTrue();
    }
  }

  @Test
  void aLongEmailLocalPartStillGetsAWorkingRecognisableUser() throws SQLException {
    String name = named("long-local");
    op.request(name, readonly(), "abcdefghijklmnopqrst@acme-corp.example", "1h");

    TemporaryDbAccess active = op.awaitPhase(name, Phase.Active);

    String user = active.getStatus().getUsername();
    assertThat(user)
        .startsWith("tdb_abcdefghijklmnopqrs")
        .hasSizeLessThanOrEqualTo(engine == Engine.POSTGRESQL ? 63 : 32);
    try (Connection c = db.login(user, op.publishedPassword(active))) {
      assertThat(c.createStatement().executeQuery("SELECT * FROM shop.orders").next()).isTrue();
    }
  }
}
