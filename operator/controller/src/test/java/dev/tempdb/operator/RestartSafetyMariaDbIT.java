package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.Engine;

/** Crash and restart safety ({@link RestartSafetyContract}) on MariaDB. */
class RestartSafetyMariaDbIT extends RestartSafetyContract {
  RestartSafetyMariaDbIT() {
    super(Engine.MARIADB);
  }
}
