package dev.tempdb.operator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.sink.SinkException;
import dev.tempdb.operator.status.Conditions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** New, Pending, Provisioning and Failed requests: {@link NewRequestHandler} and the grant. */
class GrantingTest {
  final LifecycleWorld world = new LifecycleWorld();

  @Test
  void aNewRequestGetsAUserExpiringWithItsLeaseAndPublishedCredentials() {
    world.target("readonly");
    world.request("r1", "readonly", "2h");

    Step step = world.pass("r1");

    TemporaryDbAccessStatus status = world.status("r1");
    assertThat(status.getPhase()).isEqualTo(Phase.Active);
    assertThat(status.getStrategy()).isEqualTo(Strategy.TemporaryUser);
    assertThat(status.getExpiresAt())
        .isEqualTo(LifecycleWorld.START.plus(Duration.ofHours(2)).toString());
    assertThat(world.engine.users)
        .containsEntry(status.getUsername(), LifecycleWorld.START.plus(Duration.ofHours(2)));
    assertThat(world.secrets.published).containsKey("team-a/r1");
    assertThat(world.secrets.published.get("team-a/r1").username()).isEqualTo(status.getUsername());
    assertThat(status.getCredentials().getKubernetesSecret()).isEqualTo("tempdb-r1");
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.READY)).isTrue();
    assertThat(world.reasons()).containsExactly("Normal Granted");
    assertThat(step.recheckIn()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void waitsPendingWhileTheTargetIsMissingAndGrantsOnceItExists() {
    world.request("r1", "readonly", "1h");

    Step step = world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Pending);
    assertThat(
            Conditions.find(world.status("r1").getConditions(), Conditions.READY).get().getReason())
        .isEqualTo(Reasons.TARGET_NOT_FOUND);
    assertThat(world.status("r1").getMessage()).contains("AccessTarget readonly does not exist");
    assertThat(step.recheckIn()).isEqualTo(LifecycleWorld.RECHECK);
    assertThat(world.engine.calls).isEmpty();

    world.target("readonly");
    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Active);
  }

  @Test
  void aTargetThatIsNotReadyOrADeliveryTheOperatorLacksKeepsTheRequestPending() {
    LifecycleWorld.ready(world.target("broken"), false);
    world.request("r1", "broken", "1h");
    world.pass("r1");
    assertThat(readyReason("r1")).isEqualTo(Reasons.TARGET_NOT_READY);

    LifecycleWorld withoutAws = new LifecycleWorld(false);
    withoutAws.target("aws", spec -> spec.setDelivery(List.of(DeliveryMethod.AwsSecretsManager)));
    withoutAws.request("r2", "aws", "1h");
    withoutAws.pass("r2");
    assertThat(withoutAws.status("r2").getPhase()).isEqualTo(Phase.Pending);
    assertThat(withoutAws.status("r2").getMessage()).contains("TEMPDB_AWS_ENABLED=true");
    assertThat(withoutAws.engine.calls).isEmpty();
  }

  @Test
  void aLeaseBeyondTheTargetsMaximumFailsWithoutCreatingAnything() {
    world.target("readonly");
    world.request("r1", "readonly", "9h");

    Step step = world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Failed);
    assertThat(readyReason("r1")).isEqualTo(Reasons.INVALID_REQUEST);
    assertThat(world.status("r1").getMessage()).contains("spec.ttl");
    assertThat(step.recheckIn()).isNull();
    assertThat(world.engine.calls).isEmpty();
    assertThat(world.reasons()).containsExactly("Warning " + Reasons.INVALID_REQUEST);
  }

  @Test
  void aFailedRequestStaysFailedUntilItsSpecChanges() {
    world.target("readonly");
    world.request("r1", "readonly", "9h");
    world.pass("r1");

    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Failed);
    assertThat(world.events).hasSize(1);

    world.edit("r1", spec -> spec.setTtl("1h"));
    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Active);
  }

  @Test
  void aMalformedRequesterIsRefusedNamingTheField() {
    world.target("readonly");
    world.request("r1", "readonly", "1h", spec -> spec.setRequester("dana\u0000@acme.example"));

    world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Failed);
    assertThat(world.status("r1").getMessage()).startsWith("spec.requester");
    assertThat(world.engine.calls).isEmpty();
  }

  @Test
  void aStaleCachedCopyIsDecidedOnTheLatestAndDoesNotRotateThePassword() {
    world.target("readonly");
    var stale = world.request("r1", "readonly", "1h");
    world.pass("r1");
    String password = world.engine.passwords.get(world.status("r1").getUsername());

    // What JOSDK hands over when the informer has not seen the Active status yet.
    world.api.put("stale-view", stale);
    Step again = world.passOn("r1", stale);

    assertThat(again.status().getPhase()).isEqualTo(Phase.Active);
    assertThat(world.engine.calls)
        .containsOnlyOnce("provision " + world.status("r1").getUsername());
    assertThat(world.engine.passwords.get(world.status("r1").getUsername())).isEqualTo(password);
  }

  @Test
  void aRequestDeletedBeforeItsGrantIsNotGranted() {
    world.target("readonly");
    var copy = world.request("r1", "readonly", "1h");
    world.api.remove("r1");

    Step step = world.passOn("r1", copy);

    assertThat(step.status()).isNull();
    assertThat(world.engine.calls).isEmpty();
  }

  @Test
  void aPermanentGrantFailureFailsAndRemovesWhatAnEarlierCrashedAttemptLeft() {
    world.target("readonly");
    world.request("r1", "readonly", "1h");
    world.passLosingStatus("r1"); // a crash before Active was recorded: user and Secret exist
    world.engine.failProvision = FakeEngine.permanent("relation \"t\" does not exist");

    world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Failed);
    assertThat(readyReason("r1")).isEqualTo(Reasons.GRANT_FAILED);
    assertThat(world.status("r1").getMessage()).isEqualTo("relation \"t\" does not exist");
    assertThat(world.engine.users).isEmpty();
    assertThat(world.secrets.published).isEmpty();
  }

  @Test
  void aRetryableGrantFailureIsRetriedAndSaysSoMeanwhile() {
    world.target("readonly");
    world.request("r1", "readonly", "1h");
    world.engine.failProvision = FakeEngine.retryable("connection refused");

    world.failingPass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Provisioning);
    assertThat(world.status("r1").getMessage()).isEqualTo("Will retry: connection refused");

    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Active);
  }

  @Test
  void aCrashBeforeActiveWasRecordedIsHealedWithTheSameUserAndAFreshPassword() {
    world.target("readonly");
    world.request("r1", "readonly", "1h");
    world.passLosingStatus("r1");
    String user = world.engine.users.keySet().iterator().next();
    String first = world.engine.passwords.get(user);

    world.pass("r1");

    assertThat(world.status("r1").getUsername()).isEqualTo(user);
    assertThat(world.engine.users).containsOnlyKeys(user);
    assertThat(world.engine.passwords.get(user)).isNotEqualTo(first);
    assertThat(world.secrets.published.get("team-a/r1").password())
        .isEqualTo(world.engine.passwords.get(user));
  }

  @Test
  void aRetryablePublishFailureRemovesTheUserRetriesAndWarnsOnce() {
    world.target("readonly");
    world.request("r1", "readonly", "1h");

    world.secrets.failPublish = SinkException.retryable("API server unavailable", null);
    RuntimeException thrown = world.failingPass("r1");
    world.secrets.failPublish = SinkException.retryable("API server unavailable", null);
    world.failingPass("r1");

    assertThat(thrown).isInstanceOf(RetryableFailure.class);
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Provisioning);
    assertThat(readyReason("r1")).isEqualTo(Reasons.PUBLISH_FAILED);
    assertThat(world.status("r1").getMessage())
        .contains("was removed again")
        .contains("API server unavailable");
    assertThat(world.engine.users).isEmpty();
    assertThat(world.reasons()).containsExactly("Warning " + Reasons.PUBLISH_FAILED);

    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Active);
  }

  @Test
  void aPermanentPublishFailureFailsTheRequestWithTheUserRemoved() {
    world.target("readonly");
    world.request("r1", "readonly", "1h");
    world.secrets.failPublish = SinkException.permanent("Secret tempdb-r1 belongs to someone else");

    world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Failed);
    assertThat(readyReason("r1")).isEqualTo(Reasons.PUBLISH_FAILED);
    assertThat(world.engine.users).isEmpty();
  }

  @Test
  void aPublishFailureWhoseRollbackAlsoFailedIsRetriedNotFailed() {
    world.target("readonly");
    world.request("r1", "readonly", "1h");
    world.secrets.failPublish = SinkException.permanent("taken");
    world.engine.failRevoke = FakeEngine.retryable("connection reset");

    assertThatThrownBy(() -> world.pass("r1")).isInstanceOf(RetryableFailure.class);
    assertThat(world.status("r1")).isNull();
  }

  private String readyReason(String name) {
    return Conditions.find(world.status(name).getConditions(), Conditions.READY).get().getReason();
  }
}
