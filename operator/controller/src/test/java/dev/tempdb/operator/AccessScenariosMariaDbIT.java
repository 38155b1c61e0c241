package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.Engine;

/** The life of a request end to end ({@link AccessScenariosContract}) on MariaDB. */
class AccessScenariosMariaDbIT extends AccessScenariosContract {
  AccessScenariosMariaDbIT() {
    super(Engine.MARIADB);
  }
}
