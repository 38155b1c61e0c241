package dev.tempdb.operator;

import static dev.tempdb.operator.testing.OperatorFixture.CONTROL_NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.AccessTargetSpec;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.SqlSource;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.testing.PostgresFixture;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.ScrapedMetrics;
import dev.tempdb.operator.testing.ServerCopies;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a revocation that cannot succeed does, against the real operator and PostgreSQL: a request
 * that was never granted lets go at once; an Active grant whose admin password was rotated to a
 * wrong one says plainly that access is NOT revoked (and it is not: the password still works),
 * names the driver's cause, is counted, and an admin can let it go with an audited annotation.
 */
class RevocationTruthIT {
  static final String READ_SQL =
      "GRANT USAGE ON SCHEMA truth TO {username}; GRANT SELECT ON truth.facts TO {username};";
  static OperatorFixture op;

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
    op.postgres()
        .superuser(
            "DROP SCHEMA IF EXISTS truth CASCADE",
            "CREATE SCHEMA truth",
            "CREATE TABLE truth.facts (id int)");
  }

  @AfterAll
  static void stop() {
    for (String target : new String[] {"never", "rotated"}) {
      op.client()
          .resources(dev.tempdb.api.v1alpha1.AccessTarget.class)
          .inNamespace(CONTROL_NS)
          .withName(target)
          .delete();
    }
    ServerCopies.delete(op, "pg-wrong");
    ServerCopies.delete(op, "pg-rotated");
    op.close();
  }

  @Test
  void aRequestNeverGrantedBecauseTheAdminPasswordIsWrongIsDeletedAtOnce() {
    // The default timeouts: a try on this server would hold the deletion for 35 s.
    ServerCopies.create(
        op, "pg-wrong", PostgresFixture.ADMIN_USER, "not-the-admin-password", false);
    target("never", "pg-wrong");
    op.request("never-1", "never", "ivy@acme-corp.example", "1h");
    TemporaryDbAccess pending = op.awaitPhase("never-1", Phase.Pending);

    op.client().resource(pending).delete();

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> op.get("never-1") == null);
  }

  @Test
  void aRevocationThatFailsSaysAccessIsNotRevokedAndAnAdminCanLetTheRequestGo()
      throws SQLException {
    // An admin of its own, whose password a DBA then rotates (ending its sessions), leaving the
    // operator with a password the server refuses.
    op.postgres()
        .superuser(
            "DROP ROLE IF EXISTS truth_admin",
            "CREATE ROLE truth_admin LOGIN SUPERUSER PASSWORD 'first-password'");
    ServerCopies.create(op, "pg-rotated", "truth_admin", "first-password", true);
    op.target("pg-rotated", "rotated", READ_SQL, null, "8h");
    op.request("rotated-1", "rotated", "jack@acme-corp.example", "1h");
    TemporaryDbAccess active = op.awaitPhase("rotated-1", Phase.Active);
    String user = active.getStatus().getUsername();
    String password = op.publishedPassword(active);

    op.postgres()
        .superuser(
            "ALTER ROLE truth_admin PASSWORD 'rotated-password'",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'truth_admin'");
    op.client().resource(active).delete();

    TemporaryDbAccess waiting =
        Awaitility.await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> op.get("rotated-1"),
                t ->
                    t.getStatus().getPhase() == Phase.Revoking
                        && t.getStatus().getMessage().contains("password authentication failed"));
    assertThat(waiting.getStatus().getMessage())
        .startsWith(
            "Access is NOT revoked yet: user "
                + user
                + " can still log in until "
                + active.getStatus().getExpiresAt()
                + " and its open sessions go on. ")
        .contains("password authentication failed for user \"truth_admin\"")
        .doesNotContain("Connection is not available");
    assertThat(waiting.getMetadata().getFinalizers()).contains("tempdb.dev/revoke-access");
    try (Connection c = op.postgres().login(user, password)) {
      assertThat(c.isValid(2)).as("what status says still works, works").isTrue();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ScrapedMetrics.sum(op.app(), "tempdb_grants_revoking", "target=\"rotated\"") == 1);

    op.client()
        .resources(TemporaryDbAccess.class)
        .inNamespace(OperatorFixture.REQUESTS_NS)
        .withName("rotated-1")
        .edit(
            t -> {
              t.getMetadata()
                  .setAnnotations(
                      Map.of(TemporaryDbAccess.ABANDON_REVOCATION, "INC-7: admin account retired"));
              return t;
            });

    Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> op.get("rotated-1") == null);
    Event abandoned =
        op.awaitEvent("rotated-1", "RevocationAbandoned").stream()
            .filter(e -> "RevocationAbandoned".equals(e.getReason()))
            .findFirst()
            .orElseThrow();
    assertThat(abandoned.getType()).isEqualTo("Warning");
    assertThat(abandoned.getMessage())
        .contains("(\"INC-7: admin account retired\")")
        .contains("access is NOT revoked: user " + user + " can still log in until")
        .contains("remove it by hand on server pg-rotated");
    assertThat(ScrapedMetrics.sum(op.app(), "tempdb_revocations_abandoned_total")).isEqualTo(1.0);
    op.postgres().superuser("DROP OWNED BY " + user, "DROP ROLE " + user, "DROP ROLE truth_admin");
  }

  /** A target on a server that may never be Ready: created without waiting for it. */
  private static void target(String name, String server) {
    AccessTargetSpec spec = new AccessTargetSpec();
    spec.setServer(server);
    spec.setGrant(SqlSource.inline(READ_SQL));
    spec.setMaxTtl("8h");
    dev.tempdb.api.v1alpha1.AccessTarget target = new dev.tempdb.api.v1alpha1.AccessTarget();
    target.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(CONTROL_NS).build());
    target.setSpec(spec);
    op.client().resource(target).create();
  }
}
