package dev.tempdb.sym;

import static dev.tempdb.sym.SymPayloads.escalate;
import static dev.tempdb.sym.SymPayloads.fields;
import static dev.tempdb.sym.SymPayloads.requester;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SymEventsTest {
  @Test
  void readsTheEscalateSymSends() {
    SymEvent event = SymEvents.parse(escalate());

    assertThat(event.type()).isEqualTo(SymEvent.Type.ESCALATE);
    assertThat(event.runSrn()).isEqualTo(SymPayloads.RUN_SRN);
    assertThat(event.runId()).isEqualTo(SymPayloads.RUN_ID);
    assertThat(event.requester()).isEqualTo(SymPayloads.REQUESTER);
    assertThat(event.symTarget()).isEqualTo("readonly");
    assertThat(event.reason()).isEqualTo("Investigate ticket 4821");
    assertThat(event.duration()).contains(Duration.ofMinutes(30));
    assertThat(event.approver()).isEqualTo("sam.ortiz@acme-corp.example");
    assertThat(event.eventId()).isEqualTo("5f0c2a3e-8d1b-4c7e-9a55-0b7e3f6d1c20");
    assertThat(event.flow()).isEqualTo("acme-corp:flow:db_access:2.0.0");
  }

  @Test
  void readsTheScheduledDeescalateOfTheSameRun() {
    SymEvent escalate = SymEvents.parse(escalate());
    SymEvent deescalate = SymEvents.parse(SymPayloads.deescalate());

    assertThat(deescalate.type()).isEqualTo(SymEvent.Type.DEESCALATE);
    assertThat(deescalate.runId()).isEqualTo(escalate.runId());
    assertThat(AccessRequests.resourceName(deescalate))
        .isEqualTo(AccessRequests.resourceName(escalate));
    // The scheduler is the actor of a scheduled de-escalate, not an approver.
    assertThat(deescalate.approver()).isEqualTo("sam.ortiz@acme-corp.example");
  }

  @Test
  void theRequesterComesFromUsernameWhateverShapeIdentityHas() {
    ObjectNode slack = escalate();
    ObjectNode noIdentity = escalate(e -> requester(e).remove("identity"));
    ObjectNode emailIdentity =
        escalate(
            e ->
                requester(e)
                    .putObject("identity")
                    .put("service", "sym")
                    .put("email", "someone.else@acme-corp.example"));

    for (ObjectNode event : new ObjectNode[] {slack, noIdentity, emailIdentity}) {
      assertThat(SymEvents.parse(event).requester()).isEqualTo(SymPayloads.REQUESTER);
    }
  }

  @Test
  void aMissingDurationMeansTheTargetsDefault() {
    assertThat(SymEvents.parse(escalate(e -> fields(e).remove("duration"))).duration()).isEmpty();
    assertThat(SymEvents.parse(escalate(e -> fields(e).putNull("duration"))).duration()).isEmpty();
  }

  @Test
  void stringDurationsAreAccepted() {
    assertThat(SymEvents.parse(escalate(e -> fields(e).put("duration", "1h"))).duration())
        .contains(Duration.ofHours(1));
  }

  @Test
  void aDeescalateNeedsOnlyTheRun() {
    ObjectNode bare = SymPayloads.deescalate();
    bare.remove("fields");
    ((ObjectNode) bare.get("run")).remove("actors");

    SymEvent event = SymEvents.parse(bare);

    assertThat(event.runId()).isEqualTo(SymPayloads.RUN_ID);
    assertThat(event.requester()).isNull();
  }

  @Test
  void missingFieldsAreNamed() {
    assertThatThrownBy(() -> SymEvents.parse(escalate(e -> requester(e).remove("username"))))
        .isInstanceOf(SymRequestException.class)
        .hasMessage(
            "The Sym event has no run.actors.request.username; check that the flow sends it.");
    assertThatThrownBy(
            () ->
                SymEvents.parse(
                    escalate(e -> ((ObjectNode) fields(e).get("target")).remove("name"))))
        .hasMessageContaining("fields.target.name");
    assertThatThrownBy(
            () -> SymEvents.parse(escalate(e -> ((ObjectNode) e.get("run")).remove("srn"))))
        .hasMessageContaining("run.srn");
    assertThatThrownBy(() -> SymEvents.parse(escalate(e -> e.remove("event"))))
        .hasMessageContaining("event.type");
  }

  @Test
  void unknownEventTypesAndNonObjectsAreRefused() {
    assertThatThrownBy(
            () ->
                SymEvents.parse(escalate(e -> ((ObjectNode) e.get("event")).put("type", "prompt"))))
        .hasMessageContaining("event.type \"prompt\" is not handled");
    assertThatThrownBy(() -> SymEvents.parse(SymPayloads.JSON.createArrayNode()))
        .hasMessageContaining("not a Sym event");
  }

  @Test
  void anSrnWithoutARunIdIsRefused() {
    assertThatThrownBy(
            () ->
                SymEvents.parse(
                    escalate(e -> ((ObjectNode) e.get("run")).put("srn", "acme-corp:run:flow:1:"))))
        .hasMessageContaining("does not end in a run id");
  }
}
