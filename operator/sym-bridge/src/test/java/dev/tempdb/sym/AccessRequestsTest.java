package dev.tempdb.sym;

import static dev.tempdb.sym.SymPayloads.escalate;
import static dev.tempdb.sym.SymPayloads.fields;
import static dev.tempdb.sym.SymPayloads.requester;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Requesters;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessRequestsTest {
  private static final BridgeSettings SETTINGS = BridgeSettings.of("tempdb-requests");

  private static TemporaryDbAccess map(ObjectNode event) {
    return AccessRequests.toResource(SymEvents.parse(event), SETTINGS);
  }

  @Test
  void anEscalateBecomesAGrantNamedAfterTheRun() {
    TemporaryDbAccess access = map(escalate());

    assertThat(access.getMetadata().getName()).isEqualTo("sym-" + SymPayloads.RUN_ID);
    assertThat(access.getMetadata().getNamespace()).isEqualTo("tempdb-requests");
    assertThat(access.getSpec().getTarget()).isEqualTo("readonly");
    assertThat(access.getSpec().getRequester()).isEqualTo(SymPayloads.REQUESTER);
    assertThat(access.getSpec().getReason()).isEqualTo("Investigate ticket 4821");
    assertThat(access.getSpec().getTtl()).isEqualTo("30m");
    assertThat(access.getSpec().getRequestId()).isEqualTo(SymPayloads.RUN_ID);
    assertThat(access.getSpec().getDelivery()).isNull(); // the target's default
    assertThat(access.getMetadata().getAnnotations())
        .containsEntry(AccessRequests.RUN, SymPayloads.RUN_SRN)
        .containsEntry(AccessRequests.APPROVER, "sam.ortiz@acme-corp.example")
        .containsEntry(AccessRequests.EVENT, "5f0c2a3e-8d1b-4c7e-9a55-0b7e3f6d1c20")
        .containsEntry(AccessRequests.SYM_TARGET, "readonly")
        .containsEntry(AccessRequests.FLOW, "acme-corp:flow:db_access:2.0.0");
    assertThat(access.getMetadata().getLabels())
        .containsEntry(AccessRequests.MANAGED_BY_LABEL, AccessRequests.MANAGED_BY);
  }

  @Test
  void theSameEscalateTwiceAsksForTheSameGrant() {
    TemporaryDbAccess first = map(escalate());
    TemporaryDbAccess again = map(escalate(e -> e.put("id", "another-delivery")));

    assertThat(again.getMetadata().getName()).isEqualTo(first.getMetadata().getName());
    assertThat(AccessRequests.isSameRequest(first, again)).isTrue();
  }

  @Test
  void anotherRunIsAnotherGrant() {
    TemporaryDbAccess first = map(escalate());
    TemporaryDbAccess other =
        map(escalate(e -> SymPayloads.run(e, "0f1e2d3c-0000-4000-8000-000000000009")));

    assertThat(other.getMetadata().getName()).isNotEqualTo(first.getMetadata().getName());
    assertThat(AccessRequests.isSameRequest(first, other)).isFalse();
    assertThat(AccessRequests.belongsToRun(first, SymPayloads.RUN_SRN)).isTrue();
    assertThat(AccessRequests.belongsToRun(other, SymPayloads.RUN_SRN)).isFalse();
  }

  @Test
  void anUnusualRunIdStillGivesAValidStableName() {
    ObjectNode odd = escalate(e -> SymPayloads.run(e, "Run_With/Odd.Chars"));
    String name = map(odd).getMetadata().getName();

    assertThat(name).matches("sym-[0-9a-f]{32}").isEqualTo(map(odd).getMetadata().getName());
  }

  @Test
  void targetsCanBeMappedToAccessTargetNames() {
    BridgeSettings mapped = SETTINGS.withTargets(Map.of("read_only", "readonly"));
    ObjectNode event =
        escalate(e -> ((ObjectNode) fields(e).get("target")).put("name", "read_only"));

    TemporaryDbAccess access = AccessRequests.toResource(SymEvents.parse(event), mapped);

    assertThat(access.getSpec().getTarget()).isEqualTo("readonly");
    assertThat(access.getMetadata().getAnnotations())
        .containsEntry(AccessRequests.SYM_TARGET, "read_only");
  }

  @Test
  void anUnmappedTargetThatIsNoKubernetesNameSaysHowToMapIt() {
    ObjectNode event =
        escalate(e -> ((ObjectNode) fields(e).get("target")).put("name", "Read_Only"));

    assertThatThrownBy(() -> map(event))
        .isInstanceOf(SymRequestException.class)
        .hasMessage(
            "The Sym target \"Read_Only\" is not a valid AccessTarget name; map it to one in"
                + " TEMPDB_SYM_TARGETS, e.g. Read_Only=readonly.");
  }

  @Test
  void aConfiguredDeliveryIsRequestedOnEveryGrant() {
    BridgeSettings aws = SETTINGS.withDelivery(List.of(DeliveryMethod.AwsSecretsManager));

    TemporaryDbAccess access = AccessRequests.toResource(SymEvents.parse(escalate()), aws);

    assertThat(access.getSpec().getDelivery()).containsExactly(DeliveryMethod.AwsSecretsManager);
  }

  @Test
  void longAndUnusualEmailLocalPartsThatTheApiAcceptsAreKept() {
    String longLocal = "a".repeat(64) + "@" + "b".repeat(60) + ".example";
    for (String email :
        List.of(
            "first.last+db-access@acme-corp.example",
            "zoë+ops@acme-corp.example",
            "日本語@acme-corp.example",
            longLocal)) {
      TemporaryDbAccess access = map(escalate(e -> requester(e).put("username", email)));
      assertThat(access.getSpec().getRequester()).isEqualTo(email);
    }
  }

  @Test
  void requestersTheApiCannotHoldAreRefusedNamingTheField() {
    for (String email :
        List.of(
            "o'brien@acme-corp.example",
            "dana lee@acme-corp.example",
            "-dash@acme-corp.example",
            "o_brien%ops@acme-corp.example",
            "any*one@acme-corp.example",
            "dana\u202e@acme-corp.example",
            "x".repeat(250) + "@acme.example")) {
      assertThatThrownBy(() -> map(escalate(e -> requester(e).put("username", email))))
          .as(email)
          .isInstanceOf(SymRequestException.class)
          .hasMessageContaining("run.actors.request.username")
          .hasMessageContaining(Requesters.ALLOWED);
    }
  }

  @Test
  void aVeryLongReasonIsShortenedNotRefused() {
    TemporaryDbAccess access = map(escalate(e -> fields(e).put("reason", "r".repeat(5000))));

    assertThat(access.getSpec().getReason()).hasSize(1024).endsWith("...");
  }

  @Test
  void noDurationLeavesTheTtlToTheTarget() {
    assertThat(map(escalate(e -> fields(e).remove("duration"))).getSpec().getTtl()).isNull();
  }
}
