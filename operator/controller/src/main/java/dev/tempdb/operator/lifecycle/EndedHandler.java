package dev.tempdb.operator.lifecycle;

/** Expired or Revoked: nothing is left in the database; keep the record for the audit retention. */
final class EndedHandler implements PhaseHandler {
  private final Deadlines deadlines;

  EndedHandler(Deadlines deadlines) {
    this.deadlines = deadlines;
  }

  @Override
  public Outcome handle(RequestView view) {
    return new Outcome.Retained(deadlines.untilRetentionEnds(view.stored(), view.now()));
  }
}
