package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.defaultRolesOf;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.executeIfAny;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.heldRoles;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.killSessions;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.loginHosts;

import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.engine.RoleCheck.Problem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The RoleGrant strategy's catalog reads and role changes on MySQL and MariaDB, applied to every
 * account (every host) of the user name.
 */
final class MysqlRoles {
  private MysqlRoles() {}

  /**
   * A role counts as held when every account of the user holds it directly; one held by only some
   * accounts is refused, since revoking it at the end could not tell the earlier grant apart from
   * ours. On MariaDB that split is also leaky: a login through an account whose role was revoked
   * still activates it as its default role while another account holds it.
   */
  static RoleCheck check(Connection c, MysqlDialect dialect, String user, List<String> roles)
      throws SQLException {
    List<String> hosts = loginHosts(c, dialect, user);
    if (hosts.isEmpty()) {
      return RoleCheck.refused(Problem.USER_NOT_FOUND, RoleCheck.userMissing(user));
    }
    RoleCheck unquotable = unquotable(user);
    if (unquotable != null) {
      return unquotable;
    }
    if (user.equals(adminUser(c, dialect))) {
      return RoleCheck.refused(
          Problem.NOT_ALLOWED,
          "database user "
              + user
              + " is the operator's own admin login; roles are granted to a person's own user");
    }
    Set<String> alreadyHeld = new LinkedHashSet<>();
    for (String role : RoleCheck.distinct(roles)) {
      RoleCheck refusal = roleProblem(c, dialect, role);
      if (refusal == null) {
        refusal = heldProblem(c, dialect, user, hosts, role, alreadyHeld);
      }
      if (refusal != null) {
        return refusal;
      }
    }
    return RoleCheck.ok(alreadyHeld);
  }

  /**
   * Grants each role to every account of the user. MariaDB: an account without a default role gets
   * the first role of the list as its default (one is all MariaDB activates at login); one that has
   * a default keeps it. MySQL: the roles join the account's default roles.
   *
   * @param wanted distinct role names
   * @throws IllegalArgumentException when a name cannot be quoted
   */
  static void grant(Connection c, MysqlDialect dialect, String user, List<String> wanted)
      throws SQLException {
    List<String> hosts = loginHosts(c, dialect, user);
    if (hosts.isEmpty()) {
      throw new EngineException(RoleCheck.userMissing(user), true, null);
    }
    for (String host : hosts) {
      List<String> held = heldRoles(c, dialect, user, host);
      for (String role : wanted) {
        if (!held.contains(role)) {
          execute(c, dialect.grantRole(role, user, host));
        }
      }
      executeIfAny(
          c,
          dialect.defaultRolesAfterGrant(
              user, host, defaultRolesOf(c, dialect, user, host), wanted));
    }
  }

  /**
   * Clears the revoked roles from every account's default roles, then revokes them. On MariaDB a
   * session that has a role active keeps its rights after the REVOKE (measured on 11.4, whether the
   * role came as the default or by SET ROLE); only {@code endSessions} ends that. MySQL 8.0.15
   * takes the rights from open sessions at once.
   *
   * @param revoked distinct role names
   * @return the sessions ended
   * @throws IllegalArgumentException when a name cannot be quoted
   */
  static int revoke(
      Connection c, MysqlDialect dialect, String user, List<String> revoked, boolean endSessions)
      throws SQLException {
    for (String host : loginHosts(c, dialect, user)) {
      executeIfAny(
          c,
          dialect.defaultRolesAfterRevoke(
              user, host, defaultRolesOf(c, dialect, user, host), revoked));
      List<String> held = heldRoles(c, dialect, user, host);
      for (String role : revoked) {
        if (held.contains(role)) {
          execute(c, dialect.revokeRole(role, user, host));
        }
      }
    }
    // Also after a crash between the REVOKEs and here: the retry finds nothing held but still
    // ends the sessions.
    return endSessions ? killSessions(c, dialect, user).size() : 0;
  }

  /**
   * Account names take no bind parameters, and a name the quoting refuses (quote, backslash,
   * control character) could not be granted to; better said now than at the grant.
   */
  private static RoleCheck unquotable(String user) {
    try {
      MysqlSql.literal(user);
      return null;
    } catch (IllegalArgumentException e) {
      return RoleCheck.refused(
          Problem.NOT_ALLOWED,
          "database user name "
              + user
              + " holds a quote, backslash or control character, which the operator does not put"
              + " in account statements; fix the target's userMapping");
    }
  }

  /** The user part of CURRENT_USER() ({@code user@host}; the host part holds no {@code @}). */
  private static String adminUser(Connection c, MysqlDialect dialect) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(dialect.currentUserQuery())) {
      rs.next();
      String account = rs.getString(1);
      return account.substring(0, account.lastIndexOf('@'));
    }
  }

  /** Why the name cannot be granted as a role, or null when it can. */
  private static RoleCheck roleProblem(Connection c, MysqlDialect dialect, String role)
      throws SQLException {
    if (dialect.flavor() == MysqlFlavor.MARIADB && role.equalsIgnoreCase("PUBLIC")) {
      return RoleCheck.refused(
          Problem.NOT_ALLOWED,
          "role PUBLIC is every user's already and cannot be granted; fix spec.roles");
    }
    boolean exists = false;
    boolean isRole = false;
    try (PreparedStatement ps = c.prepareStatement(dialect.isRoleQuery())) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          exists = true;
          isRole |= rs.getBoolean(1);
        }
      }
    }
    if (!exists) {
      return RoleCheck.refused(
          Problem.ROLE_NOT_FOUND,
          "role " + role + " does not exist on this server; create it, or fix spec.roles");
    }
    if (!isRole) {
      return RoleCheck.refused(
          Problem.NOT_ALLOWED,
          role
              + " is a user account, not a role; granting it would let the user act as "
              + role
              + ". Fix spec.roles");
    }
    return null;
  }

  /**
   * Adds the role to {@code alreadyHeld} when every account holds it; refuses it when only some do.
   * Returns null when the role may be granted.
   */
  private static RoleCheck heldProblem(
      Connection c,
      MysqlDialect dialect,
      String user,
      List<String> hosts,
      String role,
      Set<String> alreadyHeld)
      throws SQLException {
    List<String> with = new ArrayList<>();
    List<String> without = new ArrayList<>();
    for (String host : hosts) {
      (heldRoles(c, dialect, user, host).contains(role) ? with : without).add(user + "@" + host);
    }
    if (without.isEmpty()) {
      alreadyHeld.add(role);
    } else if (!with.isEmpty()) {
      return RoleCheck.refused(
          Problem.NOT_ALLOWED,
          "role "
              + role
              + " is held by only some accounts of user "
              + user
              + " ("
              + String.join(", ", with)
              + " has it, "
              + String.join(", ", without)
              + " has not), so revoking it later could not tell the existing grant apart; grant"
              + " it to all of the user's accounts or revoke it from all");
    }
    return null;
  }
}
