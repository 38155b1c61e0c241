package dev.tempdb.operator;

import static dev.tempdb.operator.testing.OperatorFixture.REQUESTS_NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes-side behaviour of requests, targets and servers that does not depend on the engine
 * (run on PostgreSQL), plus PostgreSQL's REASSIGN OWNED. The life of a request on every engine is
 * in AccessScenariosContract.
 */
class TemporaryDbAccessIT {
  static final String READONLY_SQL =
      "GRANT USAGE ON SCHEMA shop TO {username};\n"
          + "GRANT SELECT ON ALL TABLES IN SCHEMA shop TO {username};";
  static OperatorFixture op;

  @BeforeAll
  static void start() {
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
  void aDeliveryTheOperatorHasNotEnabledKeepsTargetAndRequestWaitingAndSaysHowToEnableIt()
      throws SQLException {
    AccessTarget target = new AccessTarget();
    target.setMetadata(
        new ObjectMetaBuilder()
            .withName("aws-only")
            .withNamespace(OperatorFixture.CONTROL_NS)
            .build());
    target.setSpec(new dev.tempdb.api.v1alpha1.AccessTargetSpec());
    target.getSpec().setServer(OperatorFixture.SERVER);
    target.getSpec().setGrant(dev.tempdb.api.v1alpha1.SqlSource.inline(READONLY_SQL));
    target.getSpec().setDelivery(List.of(DeliveryMethod.AwsSecretsManager));
    op.client().resource(target).create();

    Condition notReady = awaitTargetReady("aws-only", "DeliveryNotConfigured");
    assertThat(notReady.getMessage())
        .isEqualTo(
            "spec.delivery: delivery AwsSecretsManager is not enabled on the operator (set"
                + " TEMPDB_AWS_ENABLED=true, see docs/aws.md)");

    op.request("aws-only-1", "aws-only", "pia@acme-corp.example", "1h");
    TemporaryDbAccess pending = op.awaitPhase("aws-only-1", Phase.Pending);
    assertThat(pending.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .contains("Ready=False/TargetNotReady");
    assertThat(roleCount("tdb_pia_%")).isZero();

    // A request asking for it itself on a target that does not: waits the same way, says why.
    op.request(
        "aws-only-2",
        "readonly",
        "quin@acme-corp.example",
        "1h",
        spec -> spec.setDelivery(List.of(DeliveryMethod.AwsSecretsManager)));
    TemporaryDbAccess waiting = op.awaitPhase("aws-only-2", Phase.Pending);
    assertThat(waiting.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .contains("Ready=False/DeliveryNotConfigured");
    assertThat(waiting.getStatus().getMessage()).contains("TEMPDB_AWS_ENABLED=true");
    assertThat(roleCount("tdb_quin_%")).isZero();
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
    Condition notReady = awaitTargetReady("from-cm", "SqlNotFound");
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
  /** Waits until the target's Ready condition has this reason, and returns it. */
  static Condition awaitTargetReady(String target, String reason) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              AccessTarget t =
                  op.client()
                      .resources(AccessTarget.class)
                      .inNamespace(OperatorFixture.CONTROL_NS)
                      .withName(target)
                      .get();
              return t == null || t.getStatus() == null
                  ? null
                  : Conditions.find(t.getStatus().getConditions(), Conditions.READY).orElse(null);
            },
            c -> c != null && reason.equals(c.getReason()));
  }

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
}
