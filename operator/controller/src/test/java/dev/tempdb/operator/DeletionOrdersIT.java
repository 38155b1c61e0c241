package dev.tempdb.operator;

import static dev.tempdb.operator.testing.OperatorFixture.CONTROL_NS;
import static dev.tempdb.operator.testing.OperatorFixture.REQUESTS_NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.AccessTargetSpec;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.KeyRef;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.SqlSource;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.testing.PostgresFixture;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.ServerCopies;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * During an Active grant, one of the things it depends on is deleted first, then the request. Each
 * ends with the user removed and the finalizer gone. Where revocation is impossible until the thing
 * comes back (the server, its admin Secret), status must say access is NOT revoked, and the
 * deletion finishes once it is restored; in the runs so far the operator still revoked through the
 * server it had cached, so that branch is RevocationTruthIT's to prove. (A requester namespace's
 * deletion is not covered: the mock API server does not cascade it.)
 */
class DeletionOrdersIT {
  static OperatorFixture op;

  enum DeletedFirst {
    PUBLISHED_SECRET,
    ACCESS_TARGET,
    GRANT_SQL_CONFIGMAP,
    DATABASE_SERVER,
    ADMIN_SECRET
  }

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
    op.postgres()
        .superuser(
            "DROP SCHEMA IF EXISTS orders CASCADE",
            "CREATE SCHEMA orders",
            "CREATE TABLE orders.placed (id int)");
  }

  @AfterAll
  static void stop() {
    op.close();
  }

  @ParameterizedTest
  @EnumSource(DeletedFirst.class)
  void deletingWhatAGrantDependsOnFirstNeverWedgesItsDeletion(DeletedFirst first)
      throws SQLException {
    String key = first.name().toLowerCase(Locale.ROOT).replace('_', '-');
    String server = "pg-" + key;
    ServerCopies.create(
        op, server, PostgresFixture.ADMIN_USER, PostgresFixture.ADMIN_PASSWORD, true);
    op.client()
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("sql-" + key)
                .withNamespace(CONTROL_NS)
                .endMetadata()
                .addToData(
                    "grant.sql",
                    "GRANT USAGE ON SCHEMA orders TO {username};"
                        + " GRANT SELECT ON orders.placed TO {username};")
                .addToData("revoke.sql", "REVOKE SELECT ON orders.placed FROM {username};")
                .build())
        .createOr(r -> r.update());
    AccessTargetSpec spec = new AccessTargetSpec();
    spec.setServer(server);
    spec.setGrant(fromConfigMap(key, "grant.sql"));
    spec.setRevoke(fromConfigMap(key, "revoke.sql"));
    spec.setMaxTtl("8h");
    op.target("target-" + key, spec);
    String name = "order-" + key;
    op.request(name, "target-" + key, "quinn@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase(name, Phase.Active);
    String user = active.getStatus().getUsername();
    String password = op.publishedPassword(active);

    Runnable restore = deleteFirst(first, key, server, active);
    if (first == DeletedFirst.DATABASE_SERVER || first == DeletedFirst.ADMIN_SECRET) {
      // Delete the request only once the operator has seen it: the target depends on both.
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !targetReady("target-" + key));
    }
    op.client().resource(active).delete();

    if (first == DeletedFirst.DATABASE_SERVER || first == DeletedFirst.ADMIN_SECRET) {
      // Nothing can revoke until it is back: status must say so, and it must not be gone.
      // (Awaitility's predicate form never matches null, so the request being gone is checked
      // in the condition itself.)
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                TemporaryDbAccess t = op.get(name);
                return t == null
                    || (t.getStatus().getPhase() == Phase.Revoking
                        && t.getStatus()
                            .getMessage()
                            .startsWith("Access is NOT revoked yet: user " + user));
              });
      TemporaryDbAccess waiting = op.get(name);
      if (waiting != null) {
        assertThat(waiting.getMetadata().getFinalizers()).contains("tempdb.dev/revoke-access");
        try (Connection c = op.postgres().login(user, password)) {
          assertThat(c.isValid(2)).as("what status says still works, works").isTrue();
        }
        restore.run();
      }
    }
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> op.get(name) == null);
    assertThat(roleExists(user)).as("user removed").isFalse();
    assertThat(op.secret(name + "-credentials")).isNull();

    ServerCopies.delete(op, server);
    op.client()
        .resources(AccessTarget.class)
        .inNamespace(CONTROL_NS)
        .withName("target-" + key)
        .delete();
    op.client().configMaps().inNamespace(CONTROL_NS).withName("sql-" + key).delete();
  }

  /** Deletes {@code first}; returns what puts it back. */
  private static Runnable deleteFirst(
      DeletedFirst first, String key, String server, TemporaryDbAccess active) {
    switch (first) {
      case PUBLISHED_SECRET ->
          op.client()
              .secrets()
              .inNamespace(REQUESTS_NS)
              .withName(active.getStatus().getCredentials().getKubernetesSecret())
              .delete();
      case ACCESS_TARGET ->
          op.client()
              .resources(AccessTarget.class)
              .inNamespace(CONTROL_NS)
              .withName("target-" + key)
              .delete();
      case GRANT_SQL_CONFIGMAP ->
          op.client().configMaps().inNamespace(CONTROL_NS).withName("sql-" + key).delete();
      case DATABASE_SERVER -> {
        op.client()
            .resources(DatabaseServer.class)
            .inNamespace(CONTROL_NS)
            .withName(server)
            .delete();
        return () ->
            ServerCopies.create(
                op, server, PostgresFixture.ADMIN_USER, PostgresFixture.ADMIN_PASSWORD, true);
      }
      case ADMIN_SECRET -> {
        op.client().secrets().inNamespace(CONTROL_NS).withName(server + "-admin").delete();
        return () ->
            ServerCopies.adminSecret(
                op, server, PostgresFixture.ADMIN_USER, PostgresFixture.ADMIN_PASSWORD);
      }
    }
    return () -> {};
  }

  private static boolean targetReady(String name) {
    AccessTarget target =
        op.client().resources(AccessTarget.class).inNamespace(CONTROL_NS).withName(name).get();
    return target.getStatus() != null
        && Conditions.isTrue(target.getStatus().getConditions(), Conditions.READY);
  }

  private static SqlSource fromConfigMap(String key, String sqlKey) {
    SqlSource sql = new SqlSource();
    sql.setConfigMapKeyRef(new KeyRef("sql-" + key, sqlKey));
    return sql;
  }

  private static boolean roleExists(String user) throws SQLException {
    try (Connection c = op.postgres().superuserDataSource().getConnection();
        var ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, user);
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
