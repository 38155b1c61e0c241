package dev.tempdb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.testing.OperatorFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An API server that does not run the CRD's transition rules lets target, requester and delivery of
 * a live grant be edited. The grant must not follow: no new rights, and revocation undoes what was
 * granted (the granted target's revoke SQL), not what the edit names.
 */
class SpecEditsIT {
  static OperatorFixture op;

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
    op.postgres()
        .superuser(
            "DROP SCHEMA IF EXISTS edits CASCADE",
            "CREATE SCHEMA edits",
            "CREATE TABLE edits.orders (id int)",
            "CREATE TABLE edits.revocations (target text)");
    op.target(
        "edits-ro",
        "GRANT USAGE ON SCHEMA edits TO {username}; GRANT SELECT ON edits.orders TO {username};",
        "INSERT INTO edits.revocations VALUES ('edits-ro')",
        "8h");
    op.target(
        "edits-rw",
        "GRANT USAGE ON SCHEMA edits TO {username}; GRANT ALL ON edits.orders TO {username};",
        "INSERT INTO edits.revocations VALUES ('edits-rw')",
        "8h");
  }

  @AfterAll
  static void stop() {
    op.close();
  }

  @Test
  void editingTheTargetOfALiveGrantGivesNoNewRightsAndRevocationUndoesWhatWasGranted()
      throws SQLException {
    TemporaryDbAccess active = granted("edit-target", "edits-ro");
    String user = active.getStatus().getUsername();
    String password = op.publishedPassword(active);

    edit("edit-target", a -> a.getSpec().setTarget("edits-rw"));
    TemporaryDbAccess refused = awaitChangeRefused("edit-target");

    assertThat(refused.getStatus().getMessage())
        .contains("spec.target (granted for edits-ro)", "Delete this request and create a new one");
    assertThat(refused.getStatus().getGrantedFor().getTarget()).isEqualTo("edits-ro");
    assertThat(refused.getStatus().getUsername()).isEqualTo(user);
    try (Connection c = op.postgres().login(user, password)) {
      assertThatThrownBy(() -> c.createStatement().execute("INSERT INTO edits.orders VALUES (1)"))
          .hasMessageContaining("permission denied");
    }
    assertThat(op.awaitEvent("edit-target", Reasons.CHANGE_REFUSED)).isNotEmpty();

    op.client().resource(refused).delete();
    op.awaitGone("edit-target");
    assertThat(revocations()).containsExactly("edits-ro");
  }

  @Test
  void editingTheRequesterOrDeliveryOfALiveGrantChangesNothing() {
    TemporaryDbAccess active = granted("edit-who", "edits-ro");
    String secret = active.getStatus().getCredentials().getKubernetesSecret();

    edit(
        "edit-who",
        a -> {
          a.getSpec().setRequester("mallory@acme-corp.example");
          a.getSpec().setDelivery(List.of(DeliveryMethod.AwsSecretsManager));
        });
    TemporaryDbAccess refused = awaitChangeRefused("edit-who");

    assertThat(refused.getStatus().getMessage())
        .contains("spec.requester (granted for dana@acme-corp.example)")
        .contains("spec.delivery (granted for the target's)");
    assertThat(refused.getStatus().getGrantedFor().getRequester())
        .isEqualTo("dana@acme-corp.example");
    // The Secret still holds the requester the grant was for.
    assertThat(OperatorFixture.decode(op.secret(secret)).values())
        .doesNotContain("mallory@acme-corp.example");
  }

  private static TemporaryDbAccess granted(String name, String target) {
    op.request(name, target, "dana@acme-corp.example", "1h");
    return op.awaitPhase(name, Phase.Active);
  }

  private static void edit(String name, java.util.function.Consumer<TemporaryDbAccess> change) {
    op.client()
        .resources(TemporaryDbAccess.class)
        .inNamespace(OperatorFixture.REQUESTS_NS)
        .withName(name)
        .edit(
            a -> {
              change.accept(a);
              return a;
            });
  }

  private static TemporaryDbAccess awaitChangeRefused(String name) {
    return op.awaitRequest(
        name,
        a ->
            a.getStatus() != null
                && a.getStatus().getPhase() == Phase.Active
                && Conditions.find(a.getStatus().getConditions(), Conditions.READY)
                    .map(c -> Reasons.CHANGE_REFUSED.equals(c.getReason()))
                    .orElse(false));
  }

  private static List<String> revocations() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = op.postgres().superuserDataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT target FROM edits.revocations")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }
}
