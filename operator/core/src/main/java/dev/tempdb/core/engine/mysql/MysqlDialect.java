package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.mysql.MysqlSql.account;
import static dev.tempdb.core.engine.mysql.MysqlSql.literal;

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
 *   <li>Creation time: MySQL's {@code mysql.user.password_last_changed}; MariaDB keeps it in the
 *       JSON of {@code mysql.global_priv}.
 * </ul>
 *
 * <p>The one entry point for the engine's SQL: the role statements are rendered by {@link
 * MysqlRoleSql} and the expiry events by {@link MysqlExpiryEventSql}, each with its own flavour
 * differences.
 */
final class MysqlDialect {
  static final String MARKER = "tempdb-operator";

  private final MysqlFlavor flavor;
  private final boolean userAttributes;
  private final MysqlRoleSql roles;
  private final MysqlExpiryEventSql expiryEvents;

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
    this.roles = new MysqlRoleSql(flavor);
    this.expiryEvents = new MysqlExpiryEventSql(flavor);
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

  // Role and expiry-event SQL live in their own classes; these keep MysqlDialect the one entry
  // point.

  String setDefaultRoles(String user, String host, List<String> grantedRoles) {
    return roles.setDefaultRoles(user, host, grantedRoles);
  }

  String grantRole(String role, String user, String host) {
    return roles.grantRole(role, user, host);
  }

  String revokeRole(String role, String user, String host) {
    return roles.revokeRole(role, user, host);
  }

  String defaultRolesAfterGrant(
      String user, String host, List<DefaultRole> current, List<String> granted) {
    return roles.defaultRolesAfterGrant(user, host, current, granted);
  }

  String defaultRolesAfterRevoke(
      String user, String host, List<DefaultRole> current, List<String> revoked) {
    return roles.defaultRolesAfterRevoke(user, host, current, revoked);
  }

  String grantedRolesQuery() {
    return roles.grantedRolesQuery();
  }

  String heldRolesQuery() {
    return roles.heldRolesQuery();
  }

  String defaultRolesQuery() {
    return roles.defaultRolesQuery();
  }

  String loginHostsQuery() {
    return roles.loginHostsQuery();
  }

  String isRoleQuery() {
    return roles.isRoleQuery();
  }

  String createExpiryEvent(String user, String host, long secondsFromNow) {
    return expiryEvents.createExpiryEvent(user, host, secondsFromNow);
  }

  String dropExpiryEvent(String user) {
    return expiryEvents.dropExpiryEvent(user);
  }

  String eventSchedulerQuery() {
    return expiryEvents.eventSchedulerQuery();
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
