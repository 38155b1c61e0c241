package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.operator.access.CredentialSinks;
import dev.tempdb.operator.access.TargetResolver;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.events.AccessEvents;
import dev.tempdb.operator.servers.Engines;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one TemporaryDbAccess, one pass at a time: check the request's identity fields,
 * read the world once into a {@link RequestView}, let the handler of its phase decide an {@link
 * Outcome}, and map that to the next status, events and requeue with {@link OutcomeMapper}. It
 * never talks to JOSDK. docs/architecture.md draws the phases and their handlers.
 *
 * <p>Restart safety: an Active request whose lease is unchanged does nothing, so a restarted
 * operator re-issues no credentials. A crash before Active was recorded is healed by granting again
 * (see {@link TemporaryUserStrategy} and {@link RoleGrantStrategy}).
 */
public final class AccessLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLifecycle.class);

  private final RequestViews views;
  private final PhaseHandlers handlers;
  private final OutcomeMapper mapper;
  private final Clock clock;

  public AccessLifecycle(
      OperatorConfig config,
      TargetResolver resolver,
      Engines engines,
      CredentialSinks sinks,
      AccessEvents events,
      LatestCopy latest,
      ServedRequests served,
      Clock clock) {
    Deadlines deadlines = new Deadlines(config.recheckInterval(), config.expiredRetention());
    Strategies strategies =
        new Strategies(
            new TemporaryUserStrategy(
                engines, sinks.methods().contains(DeliveryMethod.AwsSecretsManager)),
            new RoleGrantStrategy(engines, resolver, new RoleHolders(served)));
    this.views = new RequestViews(resolver, sinks, clock);
    this.handlers = new PhaseHandlers(strategies, new Granting(latest, strategies), deadlines);
    this.mapper = new OutcomeMapper(events, deadlines);
    this.clock = clock;
  }

  /**
   * @throws RuntimeException a retryable failure, for JOSDK to retry with backoff ({@link
   *     RetryableFailure} carries the status to record)
   */
  public Step reconcile(TemporaryDbAccess access) {
    return reconcile(access, true);
  }

  private Step reconcile(TemporaryDbAccess access, boolean mayReadAgain) {
    Optional<String> edit = RequestRules.refusedEdit(access);
    if (edit.isPresent()) {
      // An API server without the CRD's CEL rules let an identity field change: carry on with
      // what was granted, and say so.
      Step asGranted = decide(RequestRules.asGranted(access), mayReadAgain);
      return mapper.refusedEdit(access, clock.instant(), asGranted, edit.get());
    }
    Optional<String> invalid = RequestRules.problem(access);
    if (invalid.isPresent()) {
      return mapper.map(
          access,
          clock.instant(),
          new Outcome.Refused(Reasons.INVALID_REQUEST, invalid.get()),
          false);
    }
    return decide(access, mayReadAgain);
  }

  private Step decide(TemporaryDbAccess access, boolean mayReadAgain) {
    RequestView view = views.of(access);
    Outcome outcome = handlers.forPhase(view.phase()).handle(view);
    if (outcome instanceof Outcome.StaleCopy stale && mayReadAgain) {
      LOG.debug("Cached copy was stale; deciding again on the latest");
      return reconcile(stale.latest(), false);
    }
    // The time the handler's work was done, not when the pass began: revokedAt is when the user
    // was really dropped (a slow revocation once recorded a time 21 s before the drop).
    return mapper.map(access, clock.instant(), outcome, false);
  }

  /**
   * The status to record after a pass threw (JOSDK retries it with backoff); empty to leave the
   * stored one.
   */
  public Optional<TemporaryDbAccessStatus> afterFailure(TemporaryDbAccess access, Exception e) {
    return mapper.afterFailure(access, clock.instant(), e);
  }

  /** Called on deletion; {@link Step#done()} lets the finalizer go. */
  public Step cleanup(TemporaryDbAccess access) {
    if (RequestRules.refusedEdit(access).isPresent()) {
      // Revoke what was granted: the recorded target's revoke SQL, the recorded delivery.
      return cleanup(RequestRules.asGranted(access));
    }
    if (RequestRules.problem(access).isPresent()) {
      return Step.finished(); // refused before anything was created
    }
    RequestView view = views.of(access);
    return mapper.map(access, view.now(), handlers.forDeletion().handle(view), true);
  }
}
