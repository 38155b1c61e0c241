package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.Engine;

/** The RoleGrant strategy ({@link RoleGrantContract}) on MySQL 8. */
class RoleGrantMySqlIT extends RoleGrantContract {
  RoleGrantMySqlIT() {
    super(Engine.MYSQL);
  }
}
