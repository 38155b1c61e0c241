package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.Engine;

/** The life of a request end to end ({@link AccessScenariosContract}) on MySQL 8. */
class AccessScenariosMySqlIT extends AccessScenariosContract {
  AccessScenariosMySqlIT() {
    super(Engine.MYSQL);
  }
}
