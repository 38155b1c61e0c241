package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.Engine;

/** Crash and restart safety ({@link RestartSafetyContract}) on PostgreSQL. */
class RestartSafetyPostgresIT extends RestartSafetyContract {
  RestartSafetyPostgresIT() {
    super(Engine.POSTGRESQL);
  }
}
