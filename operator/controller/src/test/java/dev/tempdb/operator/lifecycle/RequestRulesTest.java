package dev.tempdb.operator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.GrantedFor;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessSpec;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRulesTest {
  @Test
  void aNewRequestWithABadRequesterOrTargetIsRefusedNamingTheField() {
    assertThat(RequestRules.problem(request("dana\u0000@x", "readonly", null)))
        .hasValueSatisfying(p -> assertThat(p).startsWith("spec.requester holds U+0000"));
    assertThat(RequestRules.problem(request(null, "readonly", null)))
        .hasValueSatisfying(p -> assertThat(p).startsWith("spec.requester is missing"));
    assertThat(RequestRules.problem(request("dana@x", null, null)))
        .hasValueSatisfying(p -> assertThat(p).startsWith("spec.target is missing"));
    assertThat(RequestRules.problem(request("dana@x", "Read/Only", null)))
        .hasValueSatisfying(p -> assertThat(p).startsWith("spec.target is not an AccessTarget"));
    assertThat(RequestRules.problem(request("dana@x", "readonly", null))).isEmpty();
  }

  @Test
  void aGrantedRequestIsJudgedByWhatWasGrantedNotByTheRulesForNewOnes() {
    TemporaryDbAccess granted = request("dana\u0000@x", "readonly", Phase.Active);
    granted.getStatus().setGrantedFor(GrantedFor.of(granted.getSpec()));

    assertThat(RequestRules.problem(granted)).isEmpty();
    assertThat(RequestRules.refusedEdit(granted)).isEmpty();
  }

  @Test
  void everyEditedIdentityFieldIsNamedWithWhatWasGranted() {
    TemporaryDbAccess access = request("dana@x", "readonly", Phase.Active);
    access.getStatus().setGrantedFor(GrantedFor.of(access.getSpec()));
    access.getSpec().setTarget("admin");
    access.getSpec().setRequester("mallory@x");
    access.getSpec().setDelivery(List.of(DeliveryMethod.AwsSecretsManager));
    access.getSpec().setRequestId("other");

    assertThat(RequestRules.refusedEdit(access))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains(
                        "spec.target (granted for readonly)",
                        "spec.requester (granted for dana@x)",
                        "spec.delivery (granted for the target's)",
                        "spec.requestId (granted for null)",
                        "Delete this request and create a new one"));
  }

  @Test
  void asGrantedPutsBackTheRecordedFieldsAndKeepsTheLease() {
    TemporaryDbAccess access = request("dana@x", "readonly", Phase.Active);
    access.getStatus().setGrantedFor(GrantedFor.of(access.getSpec()));
    access.getSpec().setTarget("admin");
    access.getSpec().setTtl("2h");

    TemporaryDbAccess granted = RequestRules.asGranted(access);

    assertThat(granted.getSpec().getTarget()).isEqualTo("readonly");
    assertThat(granted.getSpec().getTtl()).isEqualTo("2h");
    assertThat(granted.getMetadata()).isSameAs(access.getMetadata());
    assertThat(granted.getStatus()).isSameAs(access.getStatus());
    assertThat(access.getSpec().getTarget()).as("the original is untouched").isEqualTo("admin");
    assertThat(RequestRules.refusedEdit(granted)).isEmpty();
  }

  private static TemporaryDbAccess request(String requester, String target, Phase phase) {
    TemporaryDbAccessSpec spec = new TemporaryDbAccessSpec();
    spec.setRequester(requester);
    spec.setTarget(target);
    spec.setTtl("1h");
    TemporaryDbAccess access = new TemporaryDbAccess();
    access.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace("team-a").build());
    access.setSpec(spec);
    if (phase != null) {
      TemporaryDbAccessStatus status = new TemporaryDbAccessStatus();
      status.setPhase(phase);
      access.setStatus(status);
    }
    return access;
  }
}
