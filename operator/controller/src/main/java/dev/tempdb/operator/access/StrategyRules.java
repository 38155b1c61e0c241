package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.AccessTargetSpec;
import dev.tempdb.api.v1alpha1.Strategy;

/**
 * Which AccessTarget fields go with which strategy: the CRD's CEL rules, repeated for API servers
 * (and the test mock) that do not evaluate them, so a wrong target is refused either way.
 */
final class StrategyRules {
  private StrategyRules() {}

  /** One sentence naming the field and the fix, or null when the spec is consistent. */
  static String problem(AccessTargetSpec spec) {
    if (spec.getStrategy() == Strategy.RoleGrant) {
      if (spec.getRoles() == null || spec.getRoles().isEmpty()) {
        return "spec.roles: list the roles to grant; strategy RoleGrant requires it";
      }
      if (spec.getGrant() != null || spec.getRevoke() != null) {
        return "spec.grant and spec.revoke are for strategy TemporaryUser; RoleGrant grants"
            + " spec.roles, so remove them";
      }
      return null;
    }
    if (spec.getGrant() == null) {
      return "spec.grant: strategy TemporaryUser requires the SQL that gives a new user its"
          + " rights";
    }
    if (spec.getRoles() != null || spec.getUserMapping() != null || spec.getEndSessions() != null) {
      return "spec.roles, spec.userMapping and spec.endSessions are used only with strategy"
          + " RoleGrant; remove them or set spec.strategy: RoleGrant";
    }
    return null;
  }
}
