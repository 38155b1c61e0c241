package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.Engine;

/** The RoleGrant strategy ({@link RoleGrantContract}) on MariaDB. */
class RoleGrantMariaDbIT extends RoleGrantContract {
  RoleGrantMariaDbIT() {
    super(Engine.MARIADB);
  }
}
