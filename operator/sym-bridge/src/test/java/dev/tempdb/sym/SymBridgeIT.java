package dev.tempdb.sym;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.testing.KubernetesFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The bridge against the mock API server, with the test playing the operator (writing status,
 * holding finalizers), to reach the cases the real operator rarely produces: slow grants, races
 * with a previous attempt, names taken by someone else, revocations that hang.
 */
class SymBridgeIT {
  private static final String NS = "sym-bridge-it";
  private static final KubernetesClient CLIENT = KubernetesFixture.get().client();
  private static final String FINALIZER = "tempdb.dev/test-holds";

  private final String run = UUID.randomUUID().toString();
  private final String name = "sym-" + run;

  private static SymBridge bridge(Duration wait) {
    return new SymBridge(CLIENT, BridgeSettings.of(NS).withWaitTimeout(wait));
  }

  private ObjectNode escalate() {
    return SymPayloads.escalate(e -> SymPayloads.run(e, run));
  }

  private ObjectNode deescalate() {
    return SymPayloads.deescalate(e -> SymPayloads.run(e, run));
  }

  private Resource<TemporaryDbAccess> grant() {
    return CLIENT.resources(TemporaryDbAccess.class).inNamespace(NS).withName(name);
  }

  private TemporaryDbAccess awaitCreated() {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> grant().get(), g -> g != null);
  }

  private void operatorSets(Phase phase, String reason, String message) {
    TemporaryDbAccess access = awaitCreated();
    TemporaryDbAccessStatus status = OperatorStatus.of(phase, reason, message);
    status.setUsername("tmp_dana_1a2b3c");
    status.setExpiresAt("2026-11-21T15:17:29Z");
    access.setStatus(status);
    CLIENT.resource(access).updateStatus();
  }

  private void holdWithFinalizer(TemporaryDbAccess access) {
    access.getMetadata().setFinalizers(List.of(FINALIZER));
    CLIENT.resource(access).update();
  }

  private void releaseFinalizer() {
    grant()
        .edit(
            a -> {
              a.getMetadata().setFinalizers(List.of());
              return a;
            });
  }

  @Test
  void aGrantThatNeverBecomesActiveIsWithdrawnAndTheErrorSaysWhatItWaitedFor() {
    SymResponse answer = bridge(Duration.ofSeconds(1)).handle(escalate(), Duration.ofMinutes(1));

    assertThat(answer.kind()).isEqualTo(SymRequestException.Kind.TIMED_OUT);
    assertThat(answer.errors())
        .containsExactly(
            "Access to readonly was not granted within 1s (last state: the operator has not picked"
                + " it up yet), so the request was withdrawn; try again, and if it keeps happening"
                + " ask the platform team to check the operator.");
    assertThat(grant().get()).isNull();
  }

  @Test
  void theCallersBudgetBoundsTheWaitWhenShorter() {
    long start = System.nanoTime();
    SymResponse answer = bridge(Duration.ofSeconds(30)).handle(escalate(), Duration.ofMillis(500));

    assertThat(answer.kind()).isEqualTo(SymRequestException.Kind.TIMED_OUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aFailedGrantIsWithdrawnAndTheOperatorsReasonReachesSym() {
    CompletableFuture<SymResponse> answer =
        CompletableFuture.supplyAsync(
            () -> bridge(Duration.ofSeconds(10)).handle(escalate(), Duration.ofMinutes(1)));
    operatorSets(
        Phase.Failed, "GrantFailed", "the grant SQL failed: relation ledger does not exist");

    assertThat(answer.join().errors())
        .containsExactly(
            "Access to readonly was not granted: the grant SQL failed: relation ledger does not"
                + " exist.");
    assertThat(answer.join().kind()).isEqualTo(SymRequestException.Kind.GRANT_REFUSED);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> grant().get() == null);
  }

  @Test
  void aNameTakenByAnotherRequestIsLeftAloneAndNothingIsGranted() {
    TemporaryDbAccess foreign =
        AccessRequests.toResource(SymEvents.parse(escalate()), BridgeSettings.of(NS));
    foreign.getMetadata().setAnnotations(Map.of(AccessRequests.RUN, "someone:else:" + run));
    CLIENT.resource(foreign).create();

    SymResponse escalated = bridge(Duration.ofSeconds(1)).handle(escalate(), Duration.ofMinutes(1));
    SymResponse deescalated =
        bridge(Duration.ofSeconds(1)).handle(deescalate(), Duration.ofMinutes(1));

    assertThat(escalated.errors().get(0))
        .startsWith(
            "A different request already uses the name TemporaryDbAccess " + NS + "/" + name);
    assertThat(deescalated.errors().get(0))
        .contains("was not made for this Sym request, so it was left alone");
    assertThat(grant().get()).isNotNull();
    grant().delete();
  }

  @Test
  void anEscalateWaitsForAnEarlierAttemptToBeCleanedUpThenGrantsAfresh() {
    CLIENT
        .resource(AccessRequests.toResource(SymEvents.parse(escalate()), BridgeSettings.of(NS)))
        .create();
    holdWithFinalizer(grant().get());
    grant().delete(); // the operator is still revoking the earlier attempt
    String oldUid = grant().get().getMetadata().getUid();

    CompletableFuture<SymResponse> answer =
        CompletableFuture.supplyAsync(
            () -> bridge(Duration.ofSeconds(10)).handle(escalate(), Duration.ofMinutes(1)));
    releaseFinalizer();
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> grant().get(), g -> g != null && !g.getMetadata().getUid().equals(oldUid));
    operatorSets(Phase.Active, "Granted", "granted");

    assertThat(answer.join().errors()).isEmpty();
    assertThat(answer.join().body()).containsEntry("username", "tmp_dana_1a2b3c");
    grant().delete();
  }

  @Test
  void aDeescalateWaitsUntilTheOperatorHasRevoked() {
    CLIENT
        .resource(AccessRequests.toResource(SymEvents.parse(escalate()), BridgeSettings.of(NS)))
        .create();
    holdWithFinalizer(grant().get());

    CompletableFuture<SymResponse> answer =
        CompletableFuture.supplyAsync(
            () -> bridge(Duration.ofSeconds(10)).handle(deescalate(), Duration.ofMinutes(1)));
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> grant().get().getMetadata().getDeletionTimestamp() != null);
    assertThat(answer).isNotDone();
    releaseFinalizer();

    assertThat(answer.join().errors()).isEmpty();
    assertThat(grant().get()).isNull();
  }

  @Test
  void aRevocationThatHangsIsReportedWithTheOperatorsMessage() {
    CLIENT
        .resource(AccessRequests.toResource(SymEvents.parse(escalate()), BridgeSettings.of(NS)))
        .create();
    holdWithFinalizer(grant().get());
    operatorSets(Phase.Revoking, "RevocationFailed", "could not drop the user: server unreachable");

    SymResponse answer = bridge(Duration.ofSeconds(1)).handle(deescalate(), Duration.ofMinutes(1));

    assertThat(answer.kind()).isEqualTo(SymRequestException.Kind.TIMED_OUT);
    assertThat(answer.errors().get(0))
        .isEqualTo(
            "Revoking TemporaryDbAccess "
                + NS
                + "/"
                + name
                + " did not finish within 1s (could not drop the user: server unreachable); the"
                + " operator keeps trying, and the platform team can follow it with kubectl"
                + " describe.");
    releaseFinalizer();
  }

  @Test
  void aMalformedEventIsAnErrorAndCreatesNothing() {
    SymResponse answer =
        bridge(Duration.ofSeconds(1))
            .handle(
                SymPayloads.escalate(
                    e -> {
                      SymPayloads.run(e, run);
                      SymPayloads.fields(e).put("duration", "forever");
                    }),
                Duration.ofMinutes(1));

    assertThat(answer.kind()).isEqualTo(SymRequestException.Kind.INVALID_EVENT);
    assertThat(answer.errors().get(0)).contains("fields.duration \"forever\" is not a duration");
    assertThat(grant().get()).isNull();
  }
}
