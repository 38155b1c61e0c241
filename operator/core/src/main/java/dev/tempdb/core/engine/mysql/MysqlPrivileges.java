package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.mysql.MysqlSql.account;
import static dev.tempdb.core.engine.mysql.MysqlSql.identifier;

import dev.tempdb.core.engine.ElevatedPrivileges;
import dev.tempdb.core.engine.ElevatedPrivileges.Held;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.engine.mysql.ShowGrants.Line;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a new account really holds after the grant SQL, read before it is unlocked: {@code SHOW
 * GRANTS} for the account and for every role it reaches, MariaDB's PUBLIC and MySQL's mandatory
 * roles included; the role tables ({@code mysql.roles_mapping}, {@code mysql.role_edges}) give the
 * chain and the ADMIN OPTION. {@link MysqlPrivilegeRules} says what is elevated. Needs SELECT on
 * mysql.*, which the admin has already.
 */
final class MysqlPrivileges {

  /** An account or role whose grants are read; {@code host} is empty for a MariaDB role. */
  private record Grantee(String name, String host, boolean isPublic) {}

  /** A role granted to a grantee. */
  private record Edge(String role, String host, boolean adminOption) {}

  private MysqlPrivileges() {}

  /**
   * Throws {@link ElevatedPrivileges#refusal} when the account holds an elevated privilege that the
   * grant does not allow. The caller drops the account, which was never unlocked.
   */
  static void refuseElevated(Connection c, MysqlFlavor flavor, UserGrant grant) {
    List<Held> refused;
    try {
      refused =
          ElevatedPrivileges.notAllowed(
              held(c, flavor, grant.username(), grant.hostPattern()), grant.allowedPrivileges());
    } catch (SQLException e) {
      throw new EngineException(
          "could not read what the grant SQL gave user "
              + grant.username()
              + " (SHOW GRANTS): "
              + e.getMessage()
              + "; the admin needs SELECT on mysql.* to check it",
          !MysqlErrors.isTransient(e),
          e);
    } catch (IllegalArgumentException e) {
      // A role name the quoting refuses, or a mandatory_roles value that cannot be read.
      throw new EngineException(
          "could not read what the grant SQL gave user "
              + grant.username()
              + ": "
              + e.getMessage()
              + "; the grant was rolled back rather than open an account whose privileges are"
              + " unknown",
          true,
          e);
    }
    if (!refused.isEmpty()) {
      throw ElevatedPrivileges.refusal(grant.username(), refused);
    }
  }

  /** The elevated privileges the account holds, directly and through roles, in the order found. */
  static List<Held> held(Connection c, MysqlFlavor flavor, String user, String host)
      throws SQLException {
    Set<Held> held = new LinkedHashSet<>();
    Deque<Grantee> todo = new ArrayDeque<>();
    Set<Grantee> seen = new HashSet<>();
    todo.add(new Grantee(user, host, false));
    if (flavor == MysqlFlavor.MARIADB) {
      todo.add(new Grantee("PUBLIC", "", true));
    } else {
      for (String[] role : ShowGrants.accounts(mandatoryRoles(c))) {
        todo.add(new Grantee(role[0], role[1], false));
      }
    }
    while (!todo.isEmpty()) {
      Grantee g = todo.poll();
      if (!seen.add(g)) {
        continue;
      }
      String via = g.name().equals(user) && g.host().equals(host) ? "directly" : via(g);
      List<Line> lines = showGrants(c, flavor, g, user, host);
      for (Line line : lines) {
        String lineVia =
            line.grantee().equals(user) && line.granteeHost().equalsIgnoreCase(host)
                ? "directly"
                : via(new Grantee(line.grantee(), line.granteeHost(), false));
        for (String name :
            MysqlPrivilegeRules.elevated(
                line, flavor, MysqlPrivilegeRules.revokedOnMysql(lines, line))) {
          held.add(new Held(name, lineVia));
        }
      }
      for (Edge edge : roleEdges(c, flavor, g)) {
        if (edge.adminOption()) {
          held.add(new Held(MysqlPrivilegeRules.GRANT_OPTION, via));
        }
        todo.add(new Grantee(edge.role(), edge.host(), false));
      }
    }
    return List.copyOf(held);
  }

  private static String via(Grantee role) {
    boolean plainHost = role.host().isEmpty() || role.host().equals("%");
    return "through role " + role.name() + (plainHost ? "" : "@" + role.host());
  }

  private static List<Line> showGrants(
      Connection c, MysqlFlavor flavor, Grantee g, String user, String host) throws SQLException {
    String who;
    if (g.isPublic()) {
      who = "PUBLIC";
    } else if (g.name().equals(user) && g.host().equals(host)) {
      who = account(user, host);
    } else if (flavor == MysqlFlavor.MARIADB) {
      who = identifier(g.name());
    } else {
      who = identifier(g.name()) + "@" + identifier(g.host());
    }
    List<Line> lines = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW GRANTS FOR " + who)) {
      while (rs.next()) {
        String text = rs.getString(1);
        try {
          Line line = ShowGrants.parse(text);
          if (line != null) {
            lines.add(line);
          }
        } catch (IllegalArgumentException e) {
          // The account has no password yet, but cut any IDENTIFIED clause all the same.
          int identified = text.indexOf(" IDENTIFIED ");
          throw new EngineException(
              "could not read the privileges of "
                  + who
                  + ": "
                  + e.getMessage()
                  + " in \""
                  + (identified < 0 ? text : text.substring(0, identified) + " ...")
                  + "\"; the grant was rolled back rather than open an account whose privileges"
                  + " are unknown. Change spec.grant, or report the line as an operator bug",
              true,
              null);
        }
      }
    } catch (SQLException e) {
      // PUBLIC is MariaDB 10.11+; older servers do not know the name.
      if (g.isPublic() && (MysqlErrors.isParseError(e) || MysqlErrors.isNoSuchGrant(e))) {
        return List.of();
      }
      throw e;
    }
    return lines;
  }

  private static List<Edge> roleEdges(Connection c, MysqlFlavor flavor, Grantee g)
      throws SQLException {
    String sql =
        flavor == MysqlFlavor.MYSQL
            ? "SELECT FROM_USER, FROM_HOST, WITH_ADMIN_OPTION = 'Y' FROM mysql.role_edges"
                + " WHERE TO_USER = ? AND TO_HOST = ?"
            : "SELECT Role, '', Admin_option = 'Y' FROM mysql.roles_mapping"
                + " WHERE User = ? AND Host = ?";
    List<Edge> edges = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, g.name());
      ps.setString(2, g.host());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          edges.add(new Edge(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
        }
      }
    }
    return edges;
  }

  /** MySQL: roles every account holds (the mandatory_roles setting), e.g. {@code `r`@`%`,s}. */
  private static String mandatoryRoles(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@GLOBAL.mandatory_roles")) {
      return rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
    }
  }
}
