package dev.tempdb.operator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.GrantedRole;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.operator.status.Conditions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The RoleGrant strategy: record, grant, revoke exactly what the request gave. */
class RoleGrantTest {
  final LifecycleWorld world = new LifecycleWorld();

  @Test
  void theRolesAreRecordedBeforeTheyAreGrantedAndRevokedAtExpiry() {
    world.roleTarget("ledger", "ledger_reader");
    world.engine.login("dana");
    world.request("r1", "ledger", "1h");

    Step recorded = world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Provisioning);
    assertThat(world.status("r1").getStrategy()).isEqualTo(Strategy.RoleGrant);
    assertThat(world.status("r1").getRoles())
        .extracting(GrantedRole::getName)
        .containsExactly("ledger_reader");
    assertThat(world.engine.rolesOf.get("dana"))
        .as("nothing granted before it is recorded")
        .isEmpty();
    assertThat(recorded.recheckIn()).isZero();

    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Active);
    assertThat(world.engine.rolesOf.get("dana")).containsExactly("ledger_reader");
    assertThat(Conditions.isTrue(world.status("r1").getConditions(), "RolesGranted")).isTrue();
    assertThat(world.secrets.calls).as("RoleGrant publishes nothing").isEmpty();

    world.advance(Duration.ofHours(1));
    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Expired);
    assertThat(world.engine.rolesOf.get("dana")).isEmpty();
    assertThat(world.status("r1").getMessage())
        .isEqualTo("Expired: ledger_reader revoked from dana");
  }

  @Test
  void aRoleHeldBeforeTheRequestIsKeptAtTheEnd() {
    world.roleTarget("ledger", "ledger_reader", "ledger_writer");
    world.engine.login("dana", "ledger_reader");
    world.request("r1", "ledger", "1h");
    world.pass("r1");
    world.pass("r1");

    world.delete("r1");

    assertThat(world.engine.rolesOf.get("dana")).containsExactly("ledger_reader");
    assertThat(world.events)
        .last()
        .asString()
        .contains("ledger_reader kept (held before the request)");
  }

  @Test
  void overlappingRequestsKeepTheRoleUntilTheLastEnds() {
    world.roleTarget("ledger", "ledger_reader");
    world.engine.login("dana");
    world.request("r1", "ledger", "1h");
    world.pass("r1");
    world.pass("r1");
    world.request("r2", "ledger", "2h");
    world.pass("r2");
    world.pass("r2");
    assertThat(world.status("r2").getRoles().get(0).alreadyHeld())
        .as("held through r1, not before")
        .isFalse();

    world.advance(Duration.ofHours(1));
    world.pass("r1");
    assertThat(world.engine.rolesOf.get("dana")).containsExactly("ledger_reader");
    assertThat(world.status("r1").getMessage()).contains("kept (still granted through team-a/r2)");

    world.advance(Duration.ofHours(1));
    world.pass("r2");
    assertThat(world.engine.rolesOf.get("dana")).isEmpty();
  }

  @Test
  void aMissingDatabaseUserOrRoleFailsWithItsOwnReason() {
    world.roleTarget("ledger", "ledger_reader");
    world.request("r1", "ledger", "1h");
    world.pass("r1");
    assertThat(readyReason("r1")).isEqualTo(Reasons.DATABASE_USER_NOT_FOUND);

    world.engine.login("dana");
    world.engine.roles.clear();
    world.request("r2", "ledger", "1h");
    world.pass("r2");
    assertThat(readyReason("r2")).isEqualTo(Reasons.ROLE_NOT_FOUND);
    assertThat(world.status("r2").getRoles()).isNull();
  }

  @Test
  void aFailedGrantTakesBackWhatItGaveAndRecordsNoRoles() {
    world.roleTarget("ledger", "ledger_reader", "ledger_writer");
    world.engine.login("dana");
    world.request("r1", "ledger", "1h");
    world.pass("r1");
    world.engine.failGrantRoles = FakeEngine.permanent("permission denied to grant role");

    world.pass("r1");

    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Failed);
    assertThat(readyReason("r1")).isEqualTo(Reasons.GRANT_FAILED);
    assertThat(world.engine.rolesOf.get("dana")).isEmpty();
    assertThat(world.status("r1").getRoles()).isNull();
    assertThat(world.status("r1").getStrategy()).isNull();
  }

  @Test
  void endSessionsEndsTheSessionsOfTheUserWhenItsRolesAreRevoked() {
    world.roleTarget("ledger", "ledger_reader").getSpec().setEndSessions(true);
    world.engine.login("dana");
    world.engine.openSessions = 3;
    world.request("r1", "ledger", "1h");
    world.pass("r1");
    world.pass("r1");

    world.delete("r1");

    assertThat(world.engine.calls).contains("revokeRoles dana [ledger_reader] ending sessions");
    assertThat(world.events).last().asString().endsWith("3 session(s) ended");
  }

  @Test
  void aRequestDeletedBeforeItsRolesWereRecordedHasNothingToUndo() {
    world.roleTarget("ledger", "ledger_reader");
    world.engine.login("dana");
    world.request("r1", "ledger", "1h");

    assertThat(world.delete("r1").done()).isTrue();
    assertThat(world.engine.calls).isEmpty();
  }

  @Test
  void aPermanentRevocationFailureIsRetriedNotForgotten() {
    world.roleTarget("ledger", "ledger_reader");
    world.engine.login("dana");
    world.request("r1", "ledger", "1h");
    world.pass("r1");
    world.pass("r1");
    world.engine.failRevokeRoles = FakeEngine.permanent("role was granted by another role");
    world.advance(Duration.ofHours(1));

    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Revoking);
    assertThat(world.status("r1").getMessage())
        .isEqualTo(
            "Access is NOT revoked yet: user dana still holds ledger_reader, which the database"
                + " does not take back by itself, and its open sessions go on. Revoking the roles"
                + " failed, will retry: role was granted by another role");
    assertThat(Conditions.isTrue(world.status("r1").getConditions(), "RolesGranted")).isTrue();

    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Expired);
    assertThat(world.engine.rolesOf.get("dana")).isEmpty();
  }

  @Test
  void rolesACrashedGrantMayHaveGivenAreStillRevokedAfterTheRequestFails() {
    world.roleTarget("ledger", "ledger_reader");
    world.engine.login("dana");
    world.request("r1", "ledger", "1h");
    world.pass("r1"); // recorded
    world.passLosingStatus("r1"); // granted, then the operator died before recording Active
    world.edit("r1", spec -> spec.setTtl("9h"));

    world.pass("r1");
    assertThat(world.status("r1").getPhase()).isEqualTo(Phase.Failed);
    assertThat(world.status("r1").getRoles())
        .as("kept, so deletion knows what to revoke")
        .hasSize(1);

    world.delete("r1");
    assertThat(world.engine.rolesOf.get("dana")).isEmpty();
  }

  private String readyReason(String name) {
    return Conditions.find(world.status(name).getConditions(), Conditions.READY).get().getReason();
  }
}
