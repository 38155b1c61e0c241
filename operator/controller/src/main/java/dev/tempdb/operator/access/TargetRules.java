package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.AccessTargetSpec;
import dev.tempdb.api.v1alpha1.ApiConstants;
import dev.tempdb.api.v1alpha1.Strategy;
import java.util.regex.Pattern;

/**
 * What the CRD's schema and CEL rules say about an AccessTarget, repeated for API servers (and the
 * test mock) that do not evaluate them, so a wrong target is refused either way: which fields go
 * with which strategy, and limits no request could live with.
 */
final class TargetRules {
  private static final Pattern PRIVILEGE = Pattern.compile(ApiConstants.PRIVILEGE_PATTERN);
  private static final Pattern NAME = Pattern.compile(ApiConstants.NAME_PATTERN);
  private static final Pattern HOST_PATTERN = Pattern.compile(AccessTargetSpec.HOST_PATTERN);
  private static final Pattern ROLE = Pattern.compile(AccessTargetSpec.ROLE_PATTERN);

  private TargetRules() {}

  /** One sentence naming the field and the fix, or null when the spec is consistent. */
  static String problem(AccessTargetSpec spec) {
    if (spec.getServer() == null || !NAME.matcher(spec.getServer()).matches()) {
      return "spec.server must name a DatabaseServer in this namespace (lower-case letters,"
          + " digits, - and .)";
    }
    if (spec.getHostPattern() != null && !HOST_PATTERN.matcher(spec.getHostPattern()).matches()) {
      return "spec.hostPattern may only hold letters, digits and . _ % : / - (1 to 255), e.g."
          + " 10.0.% or %.internal.example";
    }
    if (spec.getRoles() != null) {
      for (String role : spec.getRoles()) {
        if (role == null || !ROLE.matcher(role).matches()) {
          return "spec.roles: '"
              + role
              + "' is not a role name; use letters, digits, _, $ and -, starting with a letter"
              + " or _";
        }
      }
    }
    Integer limit = spec.getConnectionLimit();
    if (limit != null && (limit == 0 || limit < -1 || limit > 1000)) {
      return "spec.connectionLimit "
          + limit
          + " is not allowed: 0 would create users that can never log in; set 1 to 1000, or -1"
          + " for no limit";
    }
    if (spec.getAllowedPrivileges() != null) {
      for (String privilege : spec.getAllowedPrivileges()) {
        if (privilege == null || !PRIVILEGE.matcher(privilege).matches()) {
          return "spec.allowedPrivileges: '"
              + privilege
              + "' is not a privilege name; use names such as CREATEDB or GRANT OPTION";
        }
      }
    }
    if (spec.getStrategy() == Strategy.RoleGrant) {
      if (spec.getAllowedPrivileges() != null) {
        return "spec.allowedPrivileges is for strategy TemporaryUser (RoleGrant grants existing"
            + " roles, checked by role); remove it";
      }
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
