package dev.tempdb.core.engine.postgres;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.postgres.PostgresSql.identifier;
import static dev.tempdb.core.engine.postgres.PostgresSql.lockPrivileges;

import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.engine.RoleCheck.Problem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The RoleGrant strategy's catalog reads and membership changes on PostgreSQL. */
final class PostgresRoles {
  private PostgresRoles() {}

  /**
   * Besides a superuser or login role, a role that is itself a member (through any chain) of a
   * superuser or login role is refused: the user could SET ROLE along the chain to it.
   */
  static RoleCheck check(Connection c, String user, List<String> roles) throws SQLException {
    RoleCheck userRefusal = userProblem(c, user);
    if (userRefusal != null) {
      return userRefusal;
    }
    Set<String> alreadyHeld = new LinkedHashSet<>();
    for (String role : RoleCheck.distinct(roles)) {
      RoleCheck roleRefusal = roleProblem(c, role);
      if (roleRefusal != null) {
        return roleRefusal;
      }
      if (holdsDirectly(c, user, role)) {
        alreadyHeld.add(role);
      }
    }
    return RoleCheck.ok(alreadyHeld);
  }

  /** Why roles may not be granted to the user, or null when they may. */
  private static RoleCheck userProblem(Connection c, String user) throws SQLException {
    String sql = "SELECT rolcanlogin, rolname = current_user FROM pg_roles WHERE rolname = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return RoleCheck.refused(Problem.USER_NOT_FOUND, RoleCheck.userMissing(user));
        }
        if (rs.getBoolean(2)) {
          return RoleCheck.refused(
              Problem.NOT_ALLOWED,
              "database user "
                  + user
                  + " is the operator's own admin login; roles are granted to a person's own user");
        }
        if (!rs.getBoolean(1)) {
          return RoleCheck.refused(
              Problem.NOT_ALLOWED,
              "database user "
                  + user
                  + " cannot log in (NOLOGIN), so it is a group role rather than a person's user;"
                  + " fix the target's userMapping");
        }
        return null;
      }
    }
  }

  /** Why the role may not be granted, or null when it may. */
  private static RoleCheck roleProblem(Connection c, String role) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return RoleCheck.refused(
              Problem.ROLE_NOT_FOUND,
              "role " + role + " does not exist on this server; create it, or fix spec.roles");
        }
        if (rs.getBoolean(1) || rs.getBoolean(2)) {
          return RoleCheck.refused(Problem.NOT_ALLOWED, unsafeRole(role, role, rs.getBoolean(1)));
        }
      }
    }
    return unsafeAncestor(c, role);
  }

  /** Refuses a role that is a member, through any chain, of a superuser or login role. */
  private static RoleCheck unsafeAncestor(Connection c, String role) throws SQLException {
    String sql =
        "WITH RECURSIVE up(oid) AS ("
            + " SELECT m.roleid FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
            + " WHERE r.rolname = ?"
            + " UNION SELECT m.roleid FROM pg_auth_members m JOIN up ON m.member = up.oid)"
            + " SELECT r.rolname, r.rolsuper FROM up JOIN pg_roles r ON r.oid = up.oid"
            + " WHERE r.rolsuper OR r.rolcanlogin ORDER BY r.rolname LIMIT 1";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? RoleCheck.refused(
                Problem.NOT_ALLOWED, unsafeRole(role, rs.getString(1), rs.getBoolean(2)))
            : null;
      }
    }
  }

  private static String unsafeRole(String role, String unsafe, boolean superuser) {
    String what = superuser ? "a superuser role" : "a login user";
    String why =
        role.equals(unsafe)
            ? "it is " + what + ", and the user could act as it"
            : "it is a member of " + unsafe + ", " + what + ", so the user could act as " + unsafe;
    return "role " + role + " may not be granted: " + why + " with SET ROLE; fix spec.roles";
  }

  /** Whether a pg_auth_members row makes the user a member of the role itself. */
  static boolean holdsDirectly(Connection c, String user, String role) throws SQLException {
    String sql =
        "SELECT EXISTS (SELECT 1 FROM pg_auth_members m"
            + " JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member"
            + " WHERE u.rolname = ? AND r.rolname = ?)";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, user);
      ps.setString(2, role);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Revokes the roles the user holds directly; returns those it still holds after the REVOKE. */
  static List<String> revokeHeld(Connection c, String user, List<String> roles)
      throws SQLException {
    List<String> left = new ArrayList<>();
    c.setAutoCommit(false);
    try {
      lockPrivileges(c);
      for (String role : roles) {
        if (holdsDirectly(c, user, role)) {
          execute(c, "REVOKE " + identifier(role) + " FROM " + identifier(user));
          if (holdsDirectly(c, user, role)) {
            left.add(role);
          }
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
    return left;
  }
}
