package dev.tempdb.sym;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.PublishedCredentials;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrantProgressTest {
  private static TemporaryDbAccess access(Phase phase, String reason, String message) {
    TemporaryDbAccess access =
        AccessRequests.toResource(SymEvents.parse(SymPayloads.escalate()), BridgeSettings.of("ns"));
    if (phase != null) {
      access.setStatus(OperatorStatus.of(phase, reason, message));
    }
    return access;
  }

  @Test
  void activeAnswersWithReferencesPreferringTheAwsSecret() {
    TemporaryDbAccess active = access(Phase.Active, Reasons.GRANTED, "granted");
    PublishedCredentials published = new PublishedCredentials();
    published.setAwsSecretName("tempdb/dana/run");
    published.setAwsSecretArn("arn:aws:secretsmanager:eu-west-1:1:secret:tempdb/dana/run-AbCdEf");
    published.setKubernetesSecret("sym-x-credentials");
    active.getStatus().setCredentials(published);
    active.getStatus().setUsername("tmp_dana_ab12");
    active.getStatus().setExpiresAt("2026-11-21T15:17:29Z");

    GrantProgress progress = GrantProgress.of(active);

    assertThat(progress).isInstanceOf(GrantProgress.Active.class);
    assertThat(((GrantProgress.Active) progress).body())
        .containsEntry("secret_name", "tempdb/dana/run")
        .containsEntry("secret_arn", published.getAwsSecretArn())
        .containsEntry("kubernetes_secret", "ns/sym-x-credentials")
        .containsEntry("username", "tmp_dana_ab12")
        .containsEntry("expires_at", "2026-11-21T15:17:29Z")
        .containsEntry("grant", "ns/sym-" + SymPayloads.RUN_ID);
  }

  @Test
  void withOnlyAKubernetesSecretThatIsTheSecretName() {
    TemporaryDbAccess active = access(Phase.Active, Reasons.GRANTED, "granted");
    PublishedCredentials published = new PublishedCredentials();
    published.setKubernetesSecret("sym-x-credentials");
    active.getStatus().setCredentials(published);

    assertThat(((GrantProgress.Active) GrantProgress.of(active)).body())
        .containsEntry("secret_name", "sym-x-credentials")
        .doesNotContainKey("secret_arn");
  }

  @Test
  void unpickedProvisioningAndWaitingForATargetKeepWaiting() {
    assertThat(GrantProgress.of(access(null, null, null)))
        .isInstanceOf(GrantProgress.Waiting.class);
    assertThat(GrantProgress.of(access(Phase.Provisioning, "Provisioning", "creating")))
        .isInstanceOf(GrantProgress.Waiting.class);
    assertThat(GrantProgress.of(access(Phase.Pending, Reasons.TARGET_NOT_READY, "not Ready")))
        .isEqualTo(new GrantProgress.Waiting("not Ready"));
  }

  @Test
  void pendingForReasonsOnlyPeopleCanFixIsRefusedAtOnce() {
    for (String reason :
        List.of(
            Reasons.TARGET_NOT_FOUND, Reasons.DELIVERY_NOT_CONFIGURED, Reasons.INVALID_REQUEST)) {
      assertThat(GrantProgress.of(access(Phase.Pending, reason, "AccessTarget x does not exist")))
          .isEqualTo(new GrantProgress.Refused("AccessTarget x does not exist"));
    }
  }

  @Test
  void failedAndEndedGrantsAreRefusedWithTheOperatorsMessage() {
    for (Phase phase : List.of(Phase.Failed, Phase.Expired, Phase.Revoked, Phase.Revoking)) {
      assertThat(GrantProgress.of(access(phase, Reasons.GRANT_FAILED, "ttl 48h exceeds maxTtl 8h")))
          .isEqualTo(new GrantProgress.Refused("ttl 48h exceeds maxTtl 8h"));
    }
  }
}
