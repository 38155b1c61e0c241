package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.Engine;

/** Crash and restart safety ({@link RestartSafetyContract}) on MySQL 8. */
class RestartSafetyMySqlIT extends RestartSafetyContract {
  RestartSafetyMySqlIT() {
    super(Engine.MYSQL);
  }
}
