package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.mysql.MysqlSql.account;
import static dev.tempdb.core.engine.mysql.MysqlSql.identifier;
import static dev.tempdb.core.engine.mysql.MysqlSql.literal;

import java.util.ArrayList;
import java.util.List;

/**
 * The account statements of MySQL 8 and MariaDB 10.4+, rendered as text. Pure, so the forms only
 * MySQL 8.0.21+ takes (which no server here can run) are covered by unit tests. Where the two
 * differ:
 *
 * <ul>
 *   <li>MySQL 8.0.21+ labels the account with {@code ATTRIBUTE} (visible in
 *       INFORMATION_SCHEMA.USER_ATTRIBUTES); older MySQL 8 records it in {@link
 *       ManagedUserRegistry}'s table; MariaDB has nothing comparable, so there the name prefix and
 *       shape identify managed users.
 *   <li>MariaDB takes a pre-computed mysql_native_password hash, so the plain password never
 *       reaches the server. MySQL 8's default plugin (caching_sha2_password) salts on the server,
 *       so MySQL gets the password in the statement; MySQL rewrites it out of its logs.
 *   <li>Default roles: MySQL {@code SET DEFAULT ROLE ALL TO acct}; MariaDB allows one default role,
 *       {@code SET DEFAULT ROLE r FOR acct}.
 *   <li>Creation time: MySQL's {@code mysql.user.password_last_changed}; MariaDB keeps it in the
 *       JSON of {@code mysql.global_priv}.
 *   <li>What a role is: MariaDB lists roles in {@code mysql.user} with {@code is_role = 'Y'} and an
 *       empty host (a name may be a role and a user at once). In MySQL a role is an account; one at
 *       host {@code %} that is locked and has no password is what CREATE ROLE makes.
 * </ul>
 */
final class MysqlDialect {
  static final String MARKER = "tempdb-operator";

  /** MySQL: CREATE ROLE makes a locked account at host % without a password. */
  private static final String MYSQL_ROLE_SHAPE =
      "Host = '%' AND account_locked = 'Y' AND authentication_string = ''";

  private final MysqlFlavor flavor;
  private final boolean userAttributes;

  /**
   * A default role of an account. MySQL names roles as accounts ({@code host} is usually {@code
   * %}); MariaDB roles have no host, so {@code host} is empty there.
   */
  record DefaultRole(String name, String host) {}

  /** MariaDB, or MySQL 8.0.21 and newer. */
  MysqlDialect(MysqlFlavor flavor) {
    this(flavor, flavor == MysqlFlavor.MYSQL);
  }

  /**
   * @param userAttributes whether MySQL marks managed users with ATTRIBUTE (8.0.21+); without it
   *     they are recorded in {@link ManagedUserRegistry}
   */
  MysqlDialect(MysqlFlavor flavor, boolean userAttributes) {
    this.flavor = flavor;
    this.userAttributes = flavor == MysqlFlavor.MYSQL && userAttributes;
  }

  /** Whether managed users are recorded in {@link ManagedUserRegistry} (MySQL before 8.0.21). */
  boolean usesRegistry() {
    return flavor == MysqlFlavor.MYSQL && !userAttributes;
  }

  MysqlFlavor flavor() {
    return flavor;
  }

  /**
   * The user is created locked and without a usable password; {@link #activate} opens it once every
   * grant is in place, so nobody can log in with half of the target's rights.
   */
  String createLocked(String user, String host, String owner) {
    String sql = "CREATE USER " + account(user, host) + " ACCOUNT LOCK";
    if (userAttributes) {
      // The owner is printable ASCII without quotes or backslashes, so the JSON needs no escapes.
      String safeOwner = owner.replaceAll("[^A-Za-z0-9._@/=+ -]", "_");
      sql += " ATTRIBUTE " + literal("{\"" + MARKER + "\": {\"owner\": \"" + safeOwner + "\"}}");
    }
    return sql;
  }

  /**
   * Sets the password and the connection limit and unlocks the account.
   *
   * @param hashOnly false when a password-validation plugin is active on MariaDB: with
   *     strict_password_validation it refuses hashes, since it cannot check them
   */
  String activate(String user, String host, String password, int maxConnections, boolean hashOnly) {
    return "ALTER USER "
        + account(user, host)
        + " "
        + identifiedBy(password, hashOnly)
        + " WITH MAX_USER_CONNECTIONS "
        + Math.max(0, maxConnections)
        + " ACCOUNT UNLOCK";
  }

  /** Locks the account and replaces its password with one nobody knows. */
  String lock(String user, String host, String throwawayPassword, boolean hashOnly) {
    return "ALTER USER "
        + account(user, host)
        + " "
        + identifiedBy(throwawayPassword, hashOnly)
        + " ACCOUNT LOCK";
  }

  String drop(String user, String host) {
    return "DROP USER IF EXISTS " + account(user, host);
  }

  private String identifiedBy(String password, boolean hashOnly) {
    if (flavor == MysqlFlavor.MARIADB && hashOnly) {
      return "IDENTIFIED BY PASSWORD " + literal(NativePassword.hash(password));
    }
    return "IDENTIFIED BY " + literal(password);
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

  /**
   * A one-shot event that locks the account and ends its sessions at the expiry, so the server
   * itself ends access when the operator is down. Scheduled relative to the server's clock ({@code
   * CURRENT_TIMESTAMP + INTERVAL}), so neither clock skew nor time zones move it. It lives in the
   * admin connection's database and runs as the admin.
   */
  String createExpiryEvent(String user, String host, long secondsFromNow) {
    String lockAndKill =
        flavor == MysqlFlavor.MARIADB
            ? "BEGIN ALTER USER "
                + account(user, host)
                + " ACCOUNT LOCK; KILL CONNECTION USER "
                + literal(user)
                + "; END"
            : "BEGIN DECLARE done INT DEFAULT 0; DECLARE sid BIGINT;"
                + " DECLARE sessions CURSOR FOR SELECT ID FROM information_schema.PROCESSLIST"
                + " WHERE USER = "
                + literal(user)
                + "; DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;"
                + " ALTER USER "
                + account(user, host)
                + " ACCOUNT LOCK; OPEN sessions; ending: LOOP FETCH sessions INTO sid;"
                + " IF done THEN LEAVE ending; END IF; KILL CONNECTION sid; END LOOP;"
                + " CLOSE sessions; END";
    return "CREATE EVENT "
        + expiryEvent(user)
        + " ON SCHEDULE AT CURRENT_TIMESTAMP + INTERVAL "
        + Math.max(1, secondsFromNow)
        + " SECOND ON COMPLETION NOT PRESERVE COMMENT "
        + literal(MARKER + ": ends the access of " + user + " at its expiry")
        + " DO "
        + lockAndKill;
  }

  String dropExpiryEvent(String user) {
    return "DROP EVENT IF EXISTS " + expiryEvent(user);
  }

  private static String expiryEvent(String user) {
    return identifier("tempdb_expire_" + user);
  }

  /** Whether the event scheduler runs ('ON'); events are created only then. */
  String eventSchedulerQuery() {
    return "SELECT @@GLOBAL.event_scheduler";
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

  /** The admin's own account, {@code user@host}. */
  String currentUserQuery() {
    return "SELECT CURRENT_USER()";
  }

  /** Host parts of every account with this user name; parameter: user. */
  String hostsQuery() {
    return "SELECT Host FROM mysql.user WHERE User = ? ORDER BY Host";
  }

  /**
   * Managed users with the epoch second their password was set (≈ when the operator made them).
   * Parameters: prefix length, prefix.
   */
  String managedUsersQuery() {
    if (usesRegistry()) {
      return ManagedUserRegistry.LIST;
    }
    if (flavor == MysqlFlavor.MYSQL) {
      return "SELECT User, UNIX_TIMESTAMP(password_last_changed) FROM mysql.user"
          + " WHERE LEFT(User, ?) = ?"
          + " AND JSON_EXTRACT(User_attributes, '$.metadata.\""
          + MARKER
          + "\"') IS NOT NULL ORDER BY User";
    }
    return "SELECT User, JSON_VALUE(Priv, '$.password_last_changed') FROM mysql.global_priv"
        + " WHERE LEFT(User, ?) = ? AND Host <> '' ORDER BY User";
  }

  /** Sessions of a user other than ours; parameter: user. */
  String sessionsQuery() {
    return "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()";
  }

  String kill(long connectionId) {
    return "KILL CONNECTION " + connectionId;
  }

  /** Active password-validation plugins (MariaDB), which make the server refuse hashes. */
  String passwordValidationQuery() {
    return "SELECT COUNT(*) FROM information_schema.PLUGINS"
        + " WHERE PLUGIN_TYPE = 'PASSWORD VALIDATION' AND PLUGIN_STATUS = 'ACTIVE'";
  }
}
