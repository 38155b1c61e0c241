package dev.tempdb.operator;

import dev.tempdb.api.v1alpha1.Engine;

/** The RoleGrant strategy ({@link RoleGrantContract}) on PostgreSQL. */
class RoleGrantPostgresIT extends RoleGrantContract {
  RoleGrantPostgresIT() {
    super(Engine.POSTGRESQL);
  }
}
