package dev.tempdb.operator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.PublishedCredentials;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.SqlSource;
import dev.tempdb.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Active and Revoking requests: {@link ActiveHandler}, {@link RevokingHandler}, expiry. */
class ActiveTest {
  final LifecycleWorld world = new LifecycleWorld();
  String user;

  @BeforeEach
  void grant() {
    world.target(
        "readonly", spec -> spec.setRevoke(SqlSource.inline("REVOKE ALL ON t FROM {username}")));
    world.request("r1", "readonly", "2h");
    world.pass("r1");
    user = world.status("r1").getUsername();
    world.engine.calls.clear();
    world.secrets.calls.clear();
    world.events.clear();
  }

  @Test
  void anUnchangedActiveGrantTouchesNothingSoARestartReissuesNoCredentials() {
    world.advance(Duration.ofMinutes(10));

    Step step = world.pass("r1");

    assertThat(world.engine.calls).isEmpty();
    assertThat(world.secrets.calls).isEmpty();
    assertThat(world.events).isEmpty();
    assertThat(world.latestReads).as("no API read for a grant that goes on").isEqualTo(1);
    assertThat(step.recheckIn()).isEqualTo(Duration.ofMinutes(110));
  }

  @Test
  void aLongerTtlMovesTheExpiryInTheDatabaseAndTheSinksCountedFromTheFirstGrant() {
    world.advance(Duration.ofMinutes(30));
    world.edit("r1", spec -> spec.setTtl("4h"));

    world.pass("r1");

    Instant end = LifecycleWorld.START.plus(Duration.ofHours(4));
    assertThat(world.status("r1").getExpiresAt()).isEqualTo(end.toString());
    assertThat(world.engine.users).containsEntry(user, end);
    assertThat(world.secrets.expiry).containsEntry("team-a/r1", end);
    assertThat(world.reasons()).containsExactly("Normal " + Reasons.EXTENDED);
  }

  @Test
  void aShorterTtlIsAnnouncedAsShortened() {
    world.edit("r1", spec -> spec.setTtl("1h"));
    world.pass("r1");
    assertThat(world.reasons()).containsExactly("Normal " + Reasons.SHORTENED);
  }

  @Test
  void aShorterTtlThatIsAlreadyOverExpiresTheGrant() {
    world.advance(Duration.ofMinutes(90));
    world.edit("r1", spec -> spec.setTtl("1h"));
    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Expired);
    assertThat(world.engine.users).isEmpty();
  }

  @Test
  void aLeaseBeyondTheMaximumIsRefusedOnceAndAccessGoesOn() {
    world.edit("r1", spec -> spec.setTtl("9h"));

    world.pass("r1");
    world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Active);
    assertThat(world.status("r1").getMessage())
        .startsWith("Change refused, access continues unchanged");
    assertThat(world.engine.users).containsKey(user);
    assertThat(world.reasons()).containsExactly("Warning " + Reasons.CHANGE_REFUSED);
  }

  @Test
  void atExpiryTheUserIsDroppedTheCredentialsWithdrawnAndTheRecordKeptForRetention() {
    world.engine.openSessions = 2;
    world.advance(Duration.ofHours(2));

    Step step = world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Expired);
    assertThat(world.engine.calls)
        .containsExactly("revoke " + user + " with REVOKE ALL ON t FROM {username}");
    assertThat(world.secrets.published).isEmpty();
    assertThat(world.events)
        .containsExactly(
            "Normal Expired: Expired: user "
                + user
                + " dropped, 2 session(s) ended (server session ids 4711, 4712), credentials"
                + " withdrawn");
    assertThat(step.recheckIn()).isEqualTo(LifecycleWorld.RETENTION);

    world.advance(Duration.ofMinutes(59));
    assertThat(world.pass("r1").done()).isFalse();
    world.advance(Duration.ofMinutes(1));
    assertThat(world.pass("r1").done()).as("retention over: delete the record").isTrue();
  }

  @Test
  void revokedAtIsWhenTheUserWasDroppedNotWhenThePassBegan() {
    world.advance(Duration.ofHours(2));
    world.engine.duringRevoke = () -> world.advance(Duration.ofSeconds(21)); // a slow drop

    world.pass("r1");

    assertThat(world.status("r1").getRevokedAt()).isEqualTo("2026-12-02T12:00:21Z");
  }

  @Test
  void expiryDoesNotWaitForTheTargetOrItsSql() {
    world.targets.remove("readonly");

    Step meanwhile = world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Active);
    assertThat(meanwhile.recheckIn()).isEqualTo(LifecycleWorld.RECHECK);

    world.advance(Duration.ofHours(2));
    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Expired);
    assertThat(world.engine.calls).containsExactly("revoke " + user);
  }

  @Test
  void aUserThatDisappearedFromTheDatabaseIsGrantedAgain() {
    world.engine.users.clear();
    world.edit("r1", spec -> spec.setTtl("3h"));

    world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Active);
    assertThat(world.engine.users).containsKey(user);
    assertThat(world.reasons())
        .containsExactly("Warning " + Reasons.USER_MISSING, "Normal Granted");
  }

  @Test
  void aPermanentRevocationFailureWithdrawsTheCredentialsAndIsFinishedLaterWithoutGrantingAgain() {
    world.advance(Duration.ofHours(2));
    world.engine.failRevoke = FakeEngine.permanent("permission denied to alter role");

    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Revoking);
    assertThat(world.status("r1").getMessage())
        .isEqualTo(
            "Access is NOT revoked yet: user "
                + world.status("r1").getUsername()
                + " is refused new logins since 2026-12-02T12:00:00Z only where the database"
                + " enforces the expiry, and its open sessions go on. Revocation failed, will"
                + " retry: permission denied to alter role");
    assertThat(world.secrets.published).isEmpty();
    assertThat(world.reasons()).containsExactly("Warning " + Reasons.REVOCATION_FAILED);

    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Expired);
    assertThat(world.engine.calls).noneMatch(c -> c.startsWith("provision"));
  }

  @Test
  void aUserThatCannotBeDroppedStaysRevokingUntilItCan() {
    world.advance(Duration.ofHours(2));
    world.engine.dropFails = true;

    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Revoking);
    assertThat(
            Conditions.find(world.status("r1").getConditions(), Conditions.READY).get().getReason())
        .isEqualTo(Reasons.DROP_FAILED);

    world.engine.dropFails = false;
    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Expired);
  }

  @Test
  void aRetryableRevocationFailureIsRetriedAndStatusSaysTheCredentialsMayStillWork() {
    world.advance(Duration.ofHours(2));
    world.engine.failRevoke = FakeEngine.retryable("connection refused");

    world.failingPass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Revoking);
    assertThat(world.status("r1").getMessage())
        .startsWith("Access is NOT revoked yet: user " + world.status("r1").getUsername())
        .endsWith("and its open sessions go on. Revocation failed, will retry: connection refused");
    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Expired);
  }

  @Test
  void revocationWaitsForAServerThatIsGoneAndNamesIt() {
    world.servers.clear();
    world.advance(Duration.ofHours(2));

    assertThatThrownBy(() -> world.pass("r1"))
        .hasMessageContaining("DatabaseServer db not found in tempdb-system; restore it");
    assertThat(world.engine.users).containsKey(user);
  }

  @Test
  void anAwsSecretTheOperatorCanNoLongerDeleteIsNamedWhenAccessEnds() {
    LifecycleWorld withoutAws = new LifecycleWorld(false);
    withoutAws.target("readonly");
    withoutAws.request("r1", "readonly", "1h");
    withoutAws.pass("r1");
    withoutAws
        .status("r1")
        .setCredentials(new PublishedCredentials("tempdb-r1", "tempdb/r1", "arn:x"));
    withoutAws.advance(Duration.ofHours(1));

    withoutAws.pass("r1");

    assertThat(withoutAws.status("r1").getMessage())
        .contains("AWS secret tempdb/r1 was NOT deleted");
    assertThat(withoutAws.reasons())
        .endsWith("Warning " + Reasons.DELIVERY_NOT_CONFIGURED, "Normal " + Reasons.EXPIRED);
  }

  @Test
  void anEditedIdentityFieldIsRefusedAndTheGrantGoesOnAsGranted() {
    world.target("other");
    world.edit("r1", spec -> spec.setTarget("other"));

    world.pass("r1");
    world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Active);
    assertThat(world.status("r1").getMessage())
        .contains("spec.target (granted for readonly) changed");
    assertThat(world.status("r1").getGrantedFor().getTarget()).isEqualTo("readonly");
    assertThat(world.engine.calls).isEmpty();
    assertThat(world.reasons()).containsExactly("Warning " + Reasons.CHANGE_REFUSED);
  }

  @Test
  void aTargetBrokenAfterTheGrantDoesNotStopExpiryRetentionOrDeletion() {
    world.targets.get("readonly").getSpec().setMaxTtl("forever"); // Ready verdict now stale
    world.targets.get("readonly").getSpec().setRevoke(new SqlSource()); // neither inline nor ref

    world.advance(Duration.ofHours(2));
    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Expired);
    assertThat(world.engine.users).isEmpty();

    world.advance(LifecycleWorld.RETENTION);
    assertThat(world.pass("r1").done()).isTrue();
    assertThat(world.delete("r1").done()).isTrue();
  }

  @Test
  void aGrantRetriedAfterItsUserVanishedKeepsCountingFromTheFirstGrant() {
    world.advance(Duration.ofMinutes(30));
    world.engine.users.clear();
    world.edit("r1", spec -> spec.setTtl("3h"));
    world.secrets.failPublish = dev.tempdb.core.sink.SinkException.retryable("unavailable", null);
    world.failingPass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Provisioning);

    world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Active);
    assertThat(world.status("r1").getExpiresAt())
        .isEqualTo(LifecycleWorld.START.plus(Duration.ofHours(3)).toString());
  }
}
