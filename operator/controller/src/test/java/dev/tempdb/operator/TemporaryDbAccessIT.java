package dev.tempdb.operator;

import static dev.tempdb.operator.testing.OperatorFixture.REQUESTS_NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.DatabaseEngines;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.testing.LogCapture;
import dev.tempdb.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end: TemporaryDbAccess resources on the mock API server become real PostgreSQL users,
 * proven by logging in with the published password.
 */
class TemporaryDbAccessIT {
  static final String READONLY_SQL =
      "GRANT USAGE ON SCHEMA shop TO {username};\n"
          + "GRANT SELECT ON ALL TABLES IN SCHEMA shop TO {username};";
  static OperatorFixture op;
  static LogCapture logs;

  @BeforeAll
  static void start() {
    logs = new LogCapture();
    op = new OperatorFixture();
    op.postgres()
        .superuser(
            "DROP SCHEMA IF EXISTS shop CASCADE",
            "CREATE SCHEMA shop",
            "CREATE TABLE shop.orders (id int PRIMARY KEY, item text)",
            "INSERT INTO shop.orders VALUES (1, 'book')");
    op.target("readonly", READONLY_SQL, null, "8h");
  }

  @AfterAll
  static void stop() {
    op.close();
  }

  @Test
  void grantPublishesCredentialsThatLogInWithExactlyTheTargetRights() throws SQLException {
    op.request("grant-1", "readonly", "dana.lee@acme-corp.example", "1h");

    TemporaryDbAccess tda = op.awaitPhase("grant-1", Phase.Active);

    var status = tda.getStatus();
    assertThat(status.getUsername()).matches("tdb_dana_lee_[a-z2-7]{8}");
    assertThat(status.getServer()).isEqualTo(OperatorFixture.SERVER);
    assertThat(status.getObservedGeneration()).isEqualTo(tda.getMetadata().getGeneration());
    assertThat(
            Duration.between(
                Instant.parse(status.getGrantedAt()), Instant.parse(status.getExpiresAt())))
        .isEqualTo(Duration.ofHours(1));
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.READY)).isTrue();
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
        .containsEntry("username", status.getUsername())
        .containsEntry("host", "db.example.internal")
        .containsEntry("port", Integer.toString(op.postgres().port()))
        .containsEntry("database", "postgres")
        .containsEntry("expiresAt", status.getExpiresAt())
        .containsKeys("password", "uri", "jdbcUrl");
    String password = creds.get("password");

    try (Connection c = op.postgres().login(status.getUsername(), password);
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT item FROM shop.orders");
      assertThat(rs.next()).isTrue();
      assertThatThrownBy(() -> s.execute("INSERT INTO shop.orders VALUES (2, 'pen')"))
          .hasMessageContaining("permission denied");
    }

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                op.client()
                    .resources(AccessTarget.class)
                    .inNamespace(OperatorFixture.CONTROL_NS)
                    .withName("readonly")
                    .get()
                    .getStatus()
                    .getActiveGrants(),
            n -> n != null && n >= 1);

    String statusJson = Serialization.asJson(op.get("grant-1").getStatus());
    assertThat(statusJson).doesNotContain(password);
    List<Event> events = awaitEvent("grant-1", "Granted");
    assertThat(events).allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(password));
  }

  @Test
  void expiryRemovesTheUserAndTheSecretAndKeepsAnAuditRecord() throws SQLException {
    op.request("expiry-1", "readonly", "erin@acme-corp.example", "6s");
    TemporaryDbAccess active = op.awaitPhase("expiry-1", Phase.Active);
    String user = active.getStatus().getUsername();
    String secretName = active.getStatus().getCredentials().getKubernetesSecret();
    String password = op.publishedPassword(active);

    TemporaryDbAccess expired = op.awaitPhase("expiry-1", Phase.Expired);

    assertThat(Instant.parse(expired.getStatus().getRevokedAt()))
        .isAfterOrEqualTo(Instant.parse(active.getStatus().getExpiresAt()))
        .isBefore(Instant.parse(active.getStatus().getExpiresAt()).plusSeconds(15));
    assertThat(expired.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .contains("Ready=False/Expired", "UserRemoved=True/Dropped");
    assertThat(roleCount(user)).isZero();
    assertThat(op.secret(secretName)).isNull();
    assertThatThrownBy(() -> op.postgres().login(user, password)).isInstanceOf(SQLException.class);
    awaitEvent("expiry-1", "Expired");
    assertThat(eventsFor("expiry-1")).extracting(Event::getReason).contains("Granted", "Expired");

    // The audit record goes away after the configured retention.
    op.awaitGone("expiry-1");
  }

  @Test
  void deletingMidLeaseCutsOffAnOpenSessionAndRemovesEverything() throws SQLException {
    op.request("delete-1", "readonly", "frank@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase("delete-1", Phase.Active);
    String user = active.getStatus().getUsername();
    String secretName = active.getStatus().getCredentials().getKubernetesSecret();
    String password = op.publishedPassword(active);
    Connection session = op.postgres().login(user, password);
    session.createStatement().execute("SELECT count(*) FROM shop.orders");

    op.client().resource(active).delete();
    op.awaitGone("delete-1");

    assertThatThrownBy(() -> session.createStatement().execute("SELECT 1"))
        .isInstanceOf(SQLException.class);
    session.close();
    assertThat(roleCount(user)).isZero();
    assertThat(op.secret(secretName)).isNull();
    assertThatThrownBy(() -> op.postgres().login(user, password)).isInstanceOf(SQLException.class);
    assertThat(logs.lines()).isNotEmpty().noneMatch(line -> line.contains(password));
  }

  @Test
  void aUserThatCreatedATableIsStillDroppedAndTheTableKept() throws SQLException {
    op.target("creator", READONLY_SQL + "\nGRANT CREATE ON SCHEMA shop TO {username};", null, "8h");
    op.request("creator-1", "creator", "gina@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase("creator-1", Phase.Active);
    String user = active.getStatus().getUsername();
    String password = op.publishedPassword(active);
    try (Connection c = op.postgres().login(user, password)) {
      c.createStatement().execute("CREATE TABLE shop.scratch_gina (x int)");
    }

    op.client().resource(active).delete();
    op.awaitGone("creator-1");

    assertThat(roleCount(user)).isZero();
    assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 'scratch_gina'")).isOne();
  }

  @Test
  void ttlAboveTheTargetsMaxIsRefusedWithoutCreatingAUser() throws SQLException {
    op.request("toolong-1", "readonly", "henry@acme-corp.example", "9h");

    TemporaryDbAccess failed = op.awaitPhase("toolong-1", Phase.Failed);

    assertThat(failed.getStatus().getMessage()).contains("spec.ttl").contains("maxTtl (8h)");
    assertThat(failed.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .contains("Ready=False/InvalidRequest");
    assertThat(roleCount("tdb_henry_%")).isZero();

    // Fixing the request grants it.
    failed.getSpec().setTtl("2h");
    op.client().resource(failed).update();
    op.awaitPhase("toolong-1", Phase.Active);
  }

  @Test
  void raisingTtlExtendsTheSameCredentialsAndLoweringItEndsAccess() throws SQLException {
    op.request("extend-1", "readonly", "iris@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase("extend-1", Phase.Active);
    String user = active.getStatus().getUsername();
    String secretName = active.getStatus().getCredentials().getKubernetesSecret();
    String password = op.publishedPassword(active);
    Instant granted = Instant.parse(active.getStatus().getGrantedAt());

    active.getSpec().setTtl("2h");
    op.client().resource(active).update();
    TemporaryDbAccess extended =
        op.awaitRequest(
            "extend-1",
            t -> granted.plus(Duration.ofHours(2)).toString().equals(t.getStatus().getExpiresAt()));

    assertThat(extended.getStatus().getPhase()).isEqualTo(Phase.Active);
    assertThat(extended.getStatus().getGrantedAt()).isEqualTo(active.getStatus().getGrantedAt());
    Map<String, String> creds = OperatorFixture.decode(op.secret(secretName));
    assertThat(creds).containsEntry("password", password);
    assertThat(creds).containsEntry("expiresAt", extended.getStatus().getExpiresAt());
    assertThat(
            count(
                "SELECT count(*) FROM pg_roles WHERE rolname = '"
                    + user
                    + "' AND rolvaliduntil = '"
                    + extended.getStatus().getExpiresAt()
                    + "'::timestamptz"))
        .isOne();
    try (Connection c = op.postgres().login(user, password)) {
      assertThat(c.isValid(2)).isTrue();
    }
    awaitEvent("extend-1", "Extended");

    extended.getSpec().setTtl("1s");
    op.client().resource(extended).update();
    op.awaitPhase("extend-1", Phase.Expired);
    assertThat(roleCount(user)).isZero();
  }

  @Test
  void aRequestForAMissingTargetWaitsAndIsGrantedOnceTheTargetExists() {
    op.request("later-1", "reporting", "jack@acme-corp.example", "1h");

    TemporaryDbAccess pending = op.awaitPhase("later-1", Phase.Pending);
    assertThat(pending.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .contains("Ready=False/TargetNotFound");
    assertThat(pending.getStatus().getMessage()).contains("AccessTarget reporting does not exist");

    op.target("reporting", READONLY_SQL, null, "8h");
    op.awaitPhase("later-1", Phase.Active);
  }

  @Test
  void failingGrantSqlFailsTheRequestAndLeavesNoUser() throws SQLException {
    op.target("broken", "GRANT SELECT ON shop.no_such_table TO {username};", null, "8h");
    op.request("broken-1", "broken", "kate@acme-corp.example", "1h");

    TemporaryDbAccess failed = op.awaitPhase("broken-1", Phase.Failed);

    assertThat(failed.getStatus().getMessage())
        .contains("grant SQL failed")
        .contains("no_such_table");
    assertThat(roleCount("tdb_kate_%")).isZero();
    assertThat(failed.getStatus().getCredentials()).isNull();
  }

  @Test
  void grantSqlFromAConfigMapKeyWaitsForTheConfigMap() throws SQLException {
    AccessTarget target = new AccessTarget();
    target.setMetadata(
        new ObjectMetaBuilder()
            .withName("from-cm")
            .withNamespace(OperatorFixture.CONTROL_NS)
            .build());
    target.setSpec(new dev.tempdb.api.v1alpha1.AccessTargetSpec());
    target.getSpec().setServer(OperatorFixture.SERVER);
    dev.tempdb.api.v1alpha1.SqlSource sql = new dev.tempdb.api.v1alpha1.SqlSource();
    sql.setConfigMapKeyRef(new dev.tempdb.api.v1alpha1.KeyRef("tempdb-targets-it", "shop.sql"));
    target.getSpec().setGrant(sql);
    op.client().resource(target).create();
    Condition notReady =
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  AccessTarget t =
                      op.client()
                          .resources(AccessTarget.class)
                          .inNamespace(OperatorFixture.CONTROL_NS)
                          .withName("from-cm")
                          .get();
                  return t.getStatus() == null
                      ? null
                      : Conditions.find(t.getStatus().getConditions(), Conditions.READY)
                          .orElse(null);
                },
                c -> c != null && "SqlNotFound".equals(c.getReason()));
    assertThat(notReady.getMessage()).contains("tempdb-targets-it").contains("spec.grant");
    op.request("from-cm-1", "from-cm", "olive@acme-corp.example", "1h");
    op.awaitPhase("from-cm-1", Phase.Pending);

    op.client()
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("tempdb-targets-it")
                .withNamespace(OperatorFixture.CONTROL_NS)
                .endMetadata()
                .addToData("shop.sql", READONLY_SQL)
                .build())
        .create();

    TemporaryDbAccess active = op.awaitPhase("from-cm-1", Phase.Active);
    String password = op.publishedPassword(active);
    try (Connection c = op.postgres().login(active.getStatus().getUsername(), password)) {
      assertThat(c.createStatement().executeQuery("SELECT * FROM shop.orders").next()).isTrue();
    }
  }

  @Test
  void aUserThatCannotBeDroppedStaysLockedVisiblyUntilTheDbaFixesIt() throws Exception {
    op.postgres().superuser("DROP DATABASE IF EXISTS elsewhere", "CREATE DATABASE elsewhere");
    op.target("elsewhere", "GRANT CREATE ON DATABASE elsewhere TO {username};", null, "8h");
    TemporaryDbAccess tda = op.request("stuck-1", "elsewhere", "pete@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase("stuck-1", Phase.Active);
    String user = active.getStatus().getUsername();
    String secretName = active.getStatus().getCredentials().getKubernetesSecret();
    String password = op.publishedPassword(active);
    try (Connection c = op.postgres().login("elsewhere", user, password)) {
      c.createStatement().execute("CREATE SCHEMA pete_was_here");
    }

    op.client().resource(tda).delete();
    TemporaryDbAccess stuck = op.awaitPhase("stuck-1", Phase.Revoking);

    assertThat(stuck.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(stuck.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .contains("Ready=False/DropFailed", "UserRemoved=False/DropFailed");
    assertThat(stuck.getStatus().getMessage()).contains("locked").contains("cannot be dropped");
    assertThat(op.secret(secretName)).isNull();
    assertThatThrownBy(() -> op.postgres().login(user, password)).isInstanceOf(SQLException.class);
    awaitEvent("stuck-1", "DropFailed");
    // Retried every recheck interval (2 s here), but warned about once.
    Thread.sleep(5000);
    assertThat(eventsFor("stuck-1")).filteredOn(e -> "DropFailed".equals(e.getReason())).hasSize(1);

    // The DBA removes what the user left in the other database; the next retry finishes.
    try (Connection c =
        op.postgres()
            .login(
                "elsewhere",
                dev.tempdb.core.testing.PostgresFixture.ADMIN_USER,
                dev.tempdb.core.testing.PostgresFixture.ADMIN_PASSWORD)) {
      c.createStatement().execute("DROP SCHEMA pete_was_here");
    }
    op.awaitGone("stuck-1");
    assertThat(roleCount(user)).isZero();
  }

  @Test
  void aRequestThatWasNeverGrantedCanBeDeletedWhileItsServerIsDown() {
    DatabaseServer down = new DatabaseServer();
    down.setMetadata(
        new ObjectMetaBuilder()
            .withName("pg-down")
            .withNamespace(OperatorFixture.CONTROL_NS)
            .build());
    down.setSpec(
        op.client()
            .resources(DatabaseServer.class)
            .inNamespace(OperatorFixture.CONTROL_NS)
            .withName(OperatorFixture.SERVER)
            .get()
            .getSpec());
    down.getSpec().setPort(1); // nothing listens there
    down.getSpec().setConnection(new dev.tempdb.api.v1alpha1.ConnectionSettings());
    down.getSpec().getConnection().setConnectTimeout("1s");
    down.getSpec().getConnection().setStatementTimeout("1s");
    op.client().resource(down).create();
    AccessTarget target = new AccessTarget();
    target.setMetadata(
        new ObjectMetaBuilder()
            .withName("on-down")
            .withNamespace(OperatorFixture.CONTROL_NS)
            .build());
    target.setSpec(new dev.tempdb.api.v1alpha1.AccessTargetSpec());
    target.getSpec().setServer("pg-down");
    target.getSpec().setGrant(dev.tempdb.api.v1alpha1.SqlSource.inline(READONLY_SQL));
    op.client().resource(target).create();
    TemporaryDbAccess tda = op.request("down-1", "on-down", "quinn@acme-corp.example", "1h");
    op.awaitPhase("down-1", Phase.Pending);

    op.client().resource(tda).delete();

    op.awaitGone("down-1");
  }

  @Test
  void aForeignSecretWithTheSameNameIsNeitherOverwrittenNorDeleted() throws SQLException {
    Secret foreign =
        new SecretBuilder()
            .withNewMetadata()
            .withName("clash-1-credentials")
            .withNamespace(REQUESTS_NS)
            .endMetadata()
            .addToData("password", "bm90LW91cnM=")
            .build();
    op.client().resource(foreign).create();
    TemporaryDbAccess tda = op.request("clash-1", "readonly", "nick@acme-corp.example", "1h");

    TemporaryDbAccess failed = op.awaitPhase("clash-1", Phase.Failed);
    assertThat(failed.getStatus().getMessage()).contains("does not belong to this request");
    assertThat(roleCount("tdb_nick_%")).isZero();

    op.client().resource(tda).delete();
    op.awaitGone("clash-1");
    assertThat(OperatorFixture.decode(op.secret("clash-1-credentials")))
        .containsEntry("password", "not-ours");
  }

  @Test
  void theSweepDropsManagedUsersWithoutARequestAndNothingElse() throws SQLException {
    op.request("sweep-live", "readonly", "liam@acme-corp.example", "1h");
    String live = op.awaitPhase("sweep-live", Phase.Active).getStatus().getUsername();
    try (DatabaseEngine engine =
        DatabaseEngines.open(op.postgres().endpoint("sweep"), java.time.Clock.systemUTC())) {
      engine.provision(
          new UserGrant(
              "tdb_orphan_abcdefgh",
              Passwords.generate(),
              Instant.now().plusSeconds(3600),
              1,
              "",
              "team-a/deleted-long-ago"));
    }
    op.postgres().superuser("CREATE ROLE tdb_handmade_by_dba LOGIN", "CREATE ROLE unrelated_role");

    Map<String, List<String>> removed = op.app().sweeper().sweepOnce();

    // Other servers on the same database (from other tests) may report it instead: either is fine.
    assertThat(removed.values().stream().flatMap(List::stream))
        .containsExactly("tdb_orphan_abcdefgh");
    assertThat(roleCount("tdb_orphan_abcdefgh")).isZero();
    assertThat(roleCount(live)).isOne();
    assertThat(roleCount("tdb_handmade_by_dba")).isOne();
    assertThat(roleCount("unrelated_role")).isOne();
  }

  @Test
  void databaseServersReportReadinessAndWhatIsWrong() {
    DatabaseServer pg =
        op.client()
            .resources(DatabaseServer.class)
            .inNamespace(OperatorFixture.CONTROL_NS)
            .withName(OperatorFixture.SERVER)
            .get();
    assertThat(pg.getStatus().getServerVersion()).startsWith("17.");
    assertThat(Conditions.isTrue(pg.getStatus().getConditions(), Conditions.READY)).isTrue();

    DatabaseServer copy = new DatabaseServer();
    copy.setMetadata(
        new ObjectMetaBuilder()
            .withName("pg-late-secret")
            .withNamespace(OperatorFixture.CONTROL_NS)
            .build());
    copy.setSpec(pg.getSpec());
    copy.getSpec().getAdminCredentials().setSecretName("late-admin");
    op.client().resource(copy).create();
    var ready =
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> readyOf("pg-late-secret"),
                c -> c != null && "SecretNotFound".equals(c.getReason()));
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains("late-admin").contains("spec.adminCredentials");

    Secret admin =
        new SecretBuilder(
                op.client()
                    .secrets()
                    .inNamespace(OperatorFixture.CONTROL_NS)
                    .withName("pg-admin")
                    .get())
            .editMetadata()
            .withName("late-admin")
            .withResourceVersion(null)
            .withUid(null)
            .endMetadata()
            .build();
    op.client().resource(admin).create();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> readyOf("pg-late-secret"), c -> c != null && "True".equals(c.getStatus()));
  }

  private static Condition readyOf(String server) {
    DatabaseServer s =
        op.client()
            .resources(DatabaseServer.class)
            .inNamespace(OperatorFixture.CONTROL_NS)
            .withName(server)
            .get();
    return s == null || s.getStatus() == null
        ? null
        : Conditions.find(s.getStatus().getConditions(), Conditions.READY).orElse(null);
  }

  /** Roles named exactly so, or starting with the part before a trailing %. */
  static int roleCount(String nameOrPrefix) throws SQLException {
    return nameOrPrefix.endsWith("%")
        ? count(
            "SELECT count(*) FROM pg_roles WHERE starts_with(rolname, '"
                + nameOrPrefix.substring(0, nameOrPrefix.length() - 1)
                + "')")
        : count("SELECT count(*) FROM pg_roles WHERE rolname = '" + nameOrPrefix + "'");
  }

  static int count(String sql) throws SQLException {
    try (Connection c = op.postgres().superuserDataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Events are written in the background: wait for one, then return all of the resource's. */
  static List<Event> awaitEvent(String name, String reason) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> eventsFor(name),
            events -> events.stream().anyMatch(e -> reason.equals(e.getReason())));
  }

  static List<Event> eventsFor(String name) {
    return op.client().v1().events().inNamespace(REQUESTS_NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
