package dev.tempdb.operator.lifecycle;

import java.util.Objects;

/**
 * Failed: nothing was left granted. Stays failed until the spec changes (a new generation), then is
 * decided as a new request.
 */
final class FailedHandler implements PhaseHandler {
  private final NewRequestHandler newRequest;

  FailedHandler(NewRequestHandler newRequest) {
    this.newRequest = newRequest;
  }

  @Override
  public Outcome handle(RequestView view) {
    if (Objects.equals(view.stored().getObservedGeneration(), view.generation())) {
      return new Outcome.Unchanged(null);
    }
    return newRequest.handle(view);
  }
}
