package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.mysql.MysqlSql.account;
import static dev.tempdb.core.engine.mysql.MysqlSql.identifier;

import dev.tempdb.core.engine.mysql.MysqlDialect.DefaultRole;
import java.util.ArrayList;
import java.util.List;

/**
 * The role statements and role queries of {@link MysqlDialect}: granting, revoking, default roles,
 * and telling roles from login accounts. Where the flavours differ:
 *
 * <ul>
 *   <li>Default roles: MySQL {@code SET DEFAULT ROLE ALL TO acct}; MariaDB allows one default role,
 *       {@code SET DEFAULT ROLE r FOR acct}.
 *   <li>What a role is: MariaDB lists roles in {@code mysql.user} with {@code is_role = 'Y'} and an
 *       empty host (a name may be a role and a user at once). In MySQL a role is an account; one at
 *       host {@code %} that is locked and has no password is what CREATE ROLE makes.
 * </ul>
 */
final class MysqlRoleSql {
  /** MySQL: CREATE ROLE makes a locked account at host % without a password. */
  private static final String MYSQL_ROLE_SHAPE =
      "Host = '%' AND account_locked = 'Y' AND authentication_string = ''";

  private final MysqlFlavor flavor;

  MysqlRoleSql(MysqlFlavor flavor) {
    this.flavor = flavor;
  }

  /**
   * Roles granted by target SQL are inactive until they are default roles. Returns null when there
   * is nothing to do.
   *
   * @throws IllegalArgumentException when MariaDB would need more than one default role
   */
  String setDefaultRoles(String user, String host, List<String> grantedRoles) {
    if (grantedRoles.isEmpty()) {
      return null;
    }
    if (flavor == MysqlFlavor.MYSQL) {
      return "SET DEFAULT ROLE ALL TO " + account(user, host);
    }
    if (grantedRoles.size() > 1) {
      throw new IllegalArgumentException(
          "the grant SQL gives "
              + grantedRoles.size()
              + " roles "
              + grantedRoles
              + ", but MariaDB activates only one default role at login; grant one role that"
              + " holds the others");
    }
    return "SET DEFAULT ROLE " + identifier(grantedRoles.get(0)) + " FOR " + account(user, host);
  }

  String grantRole(String role, String user, String host) {
    return "GRANT " + identifier(role) + " TO " + account(user, host);
  }

  String revokeRole(String role, String user, String host) {
    return "REVOKE " + identifier(role) + " FROM " + account(user, host);
  }

  /**
   * Makes granted roles active at login, or returns null when nothing changes. MariaDB activates
   * one default role: an account that has one keeps it (its owner takes the new role with SET
   * ROLE), otherwise the first of {@code granted} becomes it. MySQL adds {@code granted} to the
   * account's default roles.
   *
   * @param current the account's default roles now
   */
  String defaultRolesAfterGrant(
      String user, String host, List<DefaultRole> current, List<String> granted) {
    if (granted.isEmpty()) {
      return null;
    }
    if (flavor == MysqlFlavor.MARIADB) {
      return current.isEmpty() ? setDefaultRoles(user, host, granted.subList(0, 1)) : null;
    }
    List<DefaultRole> wanted = new ArrayList<>(current);
    for (String role : granted) {
      DefaultRole added = new DefaultRole(role, "%");
      if (!wanted.contains(added)) {
        wanted.add(added);
      }
    }
    return wanted.equals(current) ? null : mysqlDefaultRoles(user, host, wanted);
  }

  /**
   * Drops the revoked roles from the account's default roles, or returns null when none of them is
   * one. Done before the REVOKE: MariaDB keeps a default role that was revoked, and activates it
   * again at login as long as another account of the same name still holds the role.
   */
  String defaultRolesAfterRevoke(
      String user, String host, List<DefaultRole> current, List<String> revoked) {
    List<DefaultRole> kept = new ArrayList<>();
    for (DefaultRole role : current) {
      boolean isRevoked =
          revoked.contains(role.name())
              && (flavor == MysqlFlavor.MARIADB || role.host().equals("%"));
      if (!isRevoked) {
        kept.add(role);
      }
    }
    if (kept.equals(current)) {
      return null;
    }
    if (flavor == MysqlFlavor.MARIADB) {
      return "SET DEFAULT ROLE NONE FOR " + account(user, host);
    }
    return mysqlDefaultRoles(user, host, kept);
  }

  private static String mysqlDefaultRoles(String user, String host, List<DefaultRole> roles) {
    if (roles.isEmpty()) {
      return "SET DEFAULT ROLE NONE TO " + account(user, host);
    }
    List<String> names = new ArrayList<>();
    for (DefaultRole role : roles) {
      names.add(identifier(role.name()) + "@" + identifier(role.host()));
    }
    return "SET DEFAULT ROLE " + String.join(", ", names) + " TO " + account(user, host);
  }

  /** Roles granted to one account, at any host; parameters: user, host. */
  String grantedRolesQuery() {
    return flavor == MysqlFlavor.MYSQL
        ? "SELECT FROM_USER FROM mysql.role_edges WHERE TO_USER = ? AND TO_HOST = ?"
        : "SELECT Role FROM mysql.roles_mapping WHERE User = ? AND Host = ?";
  }

  /**
   * Roles granted to one account under the names RoleGrant grants them by; parameters: user, host.
   * In MySQL a role is an account and {@code GRANT `r`} means {@code `r`@`%`}, so a role of the
   * same name at another host is another role (measured on 8.0.15: counting it as held left the
   * requested role ungranted).
   */
  String heldRolesQuery() {
    return flavor == MysqlFlavor.MYSQL
        ? "SELECT FROM_USER FROM mysql.role_edges"
            + " WHERE TO_USER = ? AND TO_HOST = ? AND FROM_HOST = '%'"
        : grantedRolesQuery();
  }

  /**
   * Default roles of one account, as name and host (MariaDB: at most one row, empty host).
   * Parameters: user, host.
   */
  String defaultRolesQuery() {
    return flavor == MysqlFlavor.MYSQL
        ? "SELECT DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST FROM mysql.default_roles"
            + " WHERE USER = ? AND HOST = ? ORDER BY DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST"
        : "SELECT default_role, '' FROM mysql.user"
            + " WHERE User = ? AND Host = ? AND default_role <> ''";
  }

  /**
   * Host parts of the accounts a person logs in with: roles, which share the user table, left out.
   * Parameter: user.
   */
  String loginHostsQuery() {
    return flavor == MysqlFlavor.MYSQL
        ? "SELECT Host FROM mysql.user WHERE User = ? AND NOT ("
            + MYSQL_ROLE_SHAPE
            + ") ORDER BY Host"
        : "SELECT Host FROM mysql.user WHERE User = ? AND is_role = 'N' ORDER BY Host";
  }

  /**
   * One row per account of that name, saying whether it is a role; no row: no such name. Parameter:
   * name.
   */
  String isRoleQuery() {
    return flavor == MysqlFlavor.MYSQL
        ? "SELECT " + MYSQL_ROLE_SHAPE + " FROM mysql.user WHERE User = ?"
        : "SELECT is_role = 'Y' FROM mysql.user WHERE User = ?";
  }
}
