package dev.tempdb.operator.lifecycle;

/** Decides one pass over a request in one phase; chosen by {@link PhaseHandlers}. */
interface PhaseHandler {
  Outcome handle(RequestView view);
}
