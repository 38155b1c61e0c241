package dev.tempdb.operator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.SqlSource;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request being deleted: {@link DeletionHandler}. */
class DeletionTest {
  final LifecycleWorld world = new LifecycleWorld();

  @Test
  void deletingAnActiveGrantDropsTheUserWithdrawsTheCredentialsAndLetsTheFinalizerGo() {
    String user = granted("r1");

    Step step = world.delete("r1");

    assertThat(step.done()).isTrue();
    assertThat(world.engine.users).isEmpty();
    assertThat(world.secrets.published).isEmpty();
    assertThat(world.events)
        .containsExactly(
            "Normal Revoked: Revoked: user " + user + " dropped, credentials withdrawn");
  }

  @Test
  void aDeletionWaitsForARevocationThatFailsAndSaysSo() {
    String user = granted("r1");
    world.engine.failRevoke = FakeEngine.retryable("connection refused");

    Step step = world.delete("r1");

    assertThat(step.done()).isFalse();
    assertThat(step.recheckIn()).isEqualTo(LifecycleWorld.RECHECK);
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Revoking);
    String said =
        "Access is NOT revoked yet: user "
            + user
            + " can still log in until 2026-12-02T11:00:00Z and its open sessions go on."
            + " Deletion waits for revocation, which failed and will be retried: connection"
            + " refused";
    assertThat(world.status("r1").getMessage()).isEqualTo(said);
    assertThat(world.events).containsExactly("Warning RevocationFailed: " + said);
    assertThat(world.delete("r1").done()).isTrue();
    assertThat(world.engine.users).isEmpty();
  }

  @Test
  void anAdminMayAbandonARevocationThatFailsAndTheEventSaysWhatStays() {
    String user = granted("r1");
    world.engine.failRevoke = FakeEngine.retryable("server pg is gone for good");
    assertThat(world.delete("r1").done()).as("no annotation: it waits").isFalse();
    abandon("r1", "INC-42: server decommissioned\nsecond\u202e line");
    world.engine.failRevoke = FakeEngine.retryable("server pg is gone for good");

    Step step = world.delete("r1");

    assertThat(step.done()).isTrue();
    assertThat(step.revocationAbandoned()).isTrue();
    assertThat(world.engine.users).containsKey(user);
    assertThat(world.secrets.published).isEmpty();
    assertThat(world.events)
        .last()
        .isEqualTo(
            "Warning RevocationAbandoned: Revocation abandoned, as annotation"
                + " tempdb.dev/abandon-revocation asks (\"INC-42: server decommissioned second"
                + " line\"): access is NOT revoked: user "
                + user
                + " can still log in until 2026-12-02T11:00:00Z and its open sessions go on;"
                + " remove it by hand on server db. Last failure: Deletion waits for revocation,"
                + " which failed and will be retried: server pg is gone for good");
  }

  @Test
  void anAbandonAnnotationChangesNothingWhileRevocationSucceeds() {
    granted("r1");
    abandon("r1", "just in case");

    Step step = world.delete("r1");

    assertThat(step.done()).isTrue();
    assertThat(step.revocationAbandoned()).isFalse();
    assertThat(world.engine.users).isEmpty();
    assertThat(world.reasons()).doesNotContain("Warning RevocationAbandoned");
  }

  @Test
  void aUserThatCannotBeDroppedIsLeftLockedWhenAnAdminAbandonsIt() {
    String user = granted("r1");
    world.engine.dropFails = true;
    abandon("r1", "objects in another database");

    Step step = world.delete("r1");

    assertThat(step.revocationAbandoned()).isTrue();
    assertThat(world.events)
        .last()
        .asString()
        .contains("access is NOT revoked: user " + user + " is locked but was not dropped;");
  }

  @Test
  void anEmptyAbandonAnnotationIsNoReason() {
    granted("r1");
    world.engine.failRevoke = FakeEngine.retryable("connection refused");
    abandon("r1", " \t ");

    assertThat(world.delete("r1").done()).isFalse();
  }

  /** An Active grant of target readonly, with no event recorded yet; returns its user. */
  private String granted(String name) {
    world.target("readonly");
    world.request(name, "readonly", "1h");
    world.pass(name);
    world.events.clear();
    return world.status(name).getUsername();
  }

  private void abandon(String name, String reason) {
    world
        .api
        .get(name)
        .getMetadata()
        .setAnnotations(Map.of(TemporaryDbAccess.ABANDON_REVOCATION, reason));
  }

  @Test
  void aRequestNeverGrantedIsNotHeldHostageByAnUnreachableServer() {
    world.target("readonly");
    world.request("r1", "readonly", "1h");
    world.engine.failProvision = FakeEngine.retryable("connection refused");
    world.failingPass("r1");
    world.engine.failRevoke = FakeEngine.retryable("connection refused");

    Step step = world.delete("r1");

    assertThat(step.done()).as("the orphan sweep removes a user a crashed attempt left").isTrue();
    assertThat(world.secrets.calls).contains("withdraw team-a/r1");
  }

  @Test
  void aRequestNeverGrantedOnAServerThatFailsItsHealthCheckGoesAtOnceWithoutTryingIt() {
    world.target("readonly");
    world.request("r1", "readonly", "1h"); // never reconciled: a crashed first grant looks so
    LifecycleWorld.healthy(world.servers.get("db"), false);

    Step step = world.delete("r1");

    assertThat(step.done()).isTrue();
    assertThat(world.engine.calls).as("each try would wait the pool's whole timeout").isEmpty();
    assertThat(world.secrets.calls).contains("withdraw team-a/r1");
  }

  @Test
  void aRequestWithNoServerToLookAtWithdrawsWhatACrashMayHavePublishedAndGoes() {
    world.request("r1", "missing-target", "1h");
    world.pass("r1");

    assertThat(world.delete("r1").done()).isTrue();
    assertThat(world.engine.calls).isEmpty();
    assertThat(world.secrets.calls).containsExactly("withdraw team-a/r1");
  }

  @Test
  void anEndedRequestGoesAtOnceAndARefusedOneTouchesNothing() {
    granted("r1");
    world.advance(Duration.ofHours(1));
    world.pass("r1");
    world.engine.calls.clear();
    assertThat(world.delete("r1").done()).isTrue();

    world.request("r2", "readonly", "1h", spec -> spec.setRequester(""));
    world.pass("r2");
    assertThat(world.delete("r2").done()).isTrue();
    assertThat(world.engine.calls).isEmpty();
  }

  @Test
  void anEditedTargetIsIgnoredOnDeletionTheGrantedTargetsRevokeSqlRuns() {
    world.target("readonly", spec -> spec.setRevoke(SqlSource.inline("REVOKE ro")));
    world.target("other", spec -> spec.setRevoke(SqlSource.inline("REVOKE other")));
    world.request("r1", "readonly", "1h");
    world.pass("r1");
    String user = world.status("r1").getUsername();
    world.edit("r1", spec -> spec.setTarget("other"));

    world.delete("r1");

    assertThat(world.engine.calls).contains("revoke " + user + " with REVOKE ro");
  }

  @Test
  void aTemporaryUserIsRevokedEvenAfterItsTargetSwitchedToRoleGrant() {
    granted("r1");
    world.targets.get("readonly").getSpec().setStrategy(Strategy.RoleGrant);

    assertThat(world.delete("r1").done()).isTrue();

    assertThat(world.engine.users).as("the recorded strategy decides, not the target's").isEmpty();
  }

  @Test
  void aTargetWithUnreadableSqlDoesNotHoldTheDeletionOfARequestNeverGranted() {
    world.target("broken", spec -> spec.setGrant(new SqlSource()));
    world.request("r1", "broken", "1h");
    world.failingPassOrPass("r1");

    assertThat(world.delete("r1").done()).isTrue();
  }
}
