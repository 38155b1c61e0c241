package dev.tempdb.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.PublishedCredentials;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.lease.Lease;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessStatusTest {
  private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-21T12:05:00Z");
  private static final Lease LEASE = new Lease(T0, Instant.parse("2026-11-21T13:00:00Z"));

  private static TemporaryDbAccessStatus active(TemporaryDbAccessStatus previous, Instant now) {
    return new AccessStatus(previous, 1L, now)
        .active(
            "dana@x.example",
            "pg",
            "tdb_dana_abcdefgh",
            LEASE,
            new PublishedCredentials("s", null, null));
  }

  @Test
  void activeStatusSaysWhoUntilWhenAndWhere() {
    TemporaryDbAccessStatus s = active(null, T0);
    assertThat(s.getPhase()).isEqualTo(Phase.Active);
    assertThat(s.getObservedGeneration()).isEqualTo(1L);
    assertThat(s.getExpiresAt()).isEqualTo("2026-11-21T13:00:00Z");
    assertThat(s.getMessage())
        .isEqualTo(
            "Access for dana@x.example as tdb_dana_abcdefgh until 2026-11-21T13:00:00Z;"
                + " credentials in Secret s");
    assertThat(s.getConditions())
        .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Ready", "True", "Granted"),
            org.assertj.core.groups.Tuple.tuple("UserProvisioned", "True", "UserCreated"),
            org.assertj.core.groups.Tuple.tuple("CredentialsPublished", "True", "Published"));
  }

  @Test
  void activeStatusNamesEveryPlaceTheCredentialsWentButNoValues() {
    TemporaryDbAccessStatus s =
        new AccessStatus(null, 1L, T0)
            .active(
                "dana@x.example",
                "pg",
                "tdb_dana_abcdefgh",
                LEASE,
                new PublishedCredentials("s", "tempdb/dana@x.example/run-1", "arn:aws:x"));
    assertThat(s.getMessage())
        .endsWith("credentials in Secret s and AWS secret tempdb/dana@x.example/run-1");
    assertThat(s.getCredentials().getAwsSecretArn()).isEqualTo("arn:aws:x");
  }

  @Test
  void aPublishFailureIsProvisioningWithNoUserAndSaysWhy() {
    TemporaryDbAccessStatus s =
        new AccessStatus(null, 1L, T0).publishFailed("Publishing credentials failed: boom");
    assertThat(s.getPhase()).isEqualTo(Phase.Provisioning);
    assertThat(s.getMessage()).isEqualTo("Publishing credentials failed: boom");
    assertThat(s.getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .containsExactly(
            "Ready=False/PublishFailed",
            "UserProvisioned=False/PublishFailed",
            "CredentialsPublished=False/PublishFailed");
  }

  @Test
  void transitionTimeMovesOnlyWhenAConditionFlips() {
    TemporaryDbAccessStatus pending = new AccessStatus(null, 1L, T0).pending("TargetNotReady", "x");
    TemporaryDbAccessStatus stillPending =
        new AccessStatus(pending, 1L, T1).pending("TargetNotFound", "y");
    assertThat(stillPending.getConditions().get(0).getLastTransitionTime())
        .isEqualTo(T0.toString());
    assertThat(stillPending.getConditions().get(0).getReason()).isEqualTo("TargetNotFound");

    TemporaryDbAccessStatus granted = active(stillPending, T1);
    assertThat(granted.getConditions().get(0).getLastTransitionTime()).isEqualTo(T1.toString());
  }

  @Test
  void theSameActiveStateTwiceIsEqualSoNothingIsPatched() {
    TemporaryDbAccessStatus first = active(null, T0);
    TemporaryDbAccessStatus again = active(first, T1);
    assertThat(StatusPatches.changed(first, again)).isFalse();
  }

  @Test
  void endedKeepsTheAuditTrail() {
    TemporaryDbAccessStatus ended =
        new AccessStatus(active(null, T0), 1L, T1).ended(Phase.Expired, null, "Expired: done");
    assertThat(ended.getPhase()).isEqualTo(Phase.Expired);
    assertThat(ended.getUsername()).isEqualTo("tdb_dana_abcdefgh");
    assertThat(ended.getGrantedAt()).isEqualTo(T0.toString());
    assertThat(ended.getRevokedAt()).isEqualTo(T1.toString());
    assertThat(ended.getCredentials().getKubernetesSecret()).isEqualTo("s");
    assertThat(Conditions.find(ended.getConditions(), "UserRemoved"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
  }

  @Test
  void dropFailureIsRevokingWithTheReason() {
    TemporaryDbAccessStatus s =
        new AccessStatus(active(null, T0), 1L, T1).dropFailed("tdb_x", "owns objects in db2");
    assertThat(s.getPhase()).isEqualTo(Phase.Revoking);
    assertThat(s.getMessage()).contains("locked").contains("owns objects in db2");
    assertThat(Conditions.find(s.getConditions(), "UserRemoved"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("DropFailed"));
  }
}
