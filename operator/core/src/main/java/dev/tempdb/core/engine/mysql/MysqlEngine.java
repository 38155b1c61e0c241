package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.mysql.MysqlSql.account;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.Jdbc;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.engine.RoleCheck.Problem;
import dev.tempdb.core.engine.SqlTemplate;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.naming.Usernames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporary users on MySQL 8 and MariaDB 10.4+.
 *
 * <p>Account statements commit on their own in MySQL, so "all or nothing" is built from ordering:
 * the user is created locked, the target's grants and default roles are applied, what they gave is
 * checked for elevated privileges ({@link MysqlPrivileges}), and only then are the password and
 * connection limit set and the account unlocked. A failure on the way drops the user again; a crash
 * on the way leaves a locked user that the next attempt (or the orphan sweep) drops.
 *
 * <p>Neither server can expire an account by itself (no VALID UNTIL), so when the event scheduler
 * runs, each user gets a one-shot event that locks it and ends its sessions at the expiry: access
 * ends on time even when the operator is down. Without the scheduler (or the EVENT privilege),
 * expiry is the operator's job alone; that is logged once. Revocation closes the door first: lock
 * the account and replace its password (one statement), kill its sessions, run the revoke SQL, drop
 * it, kill again (a dropped user's sessions live on in MySQL and MariaDB).
 */
public final class MysqlEngine implements DatabaseEngine {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlEngine.class);
  private static final int UNKNOWN_THREAD = 1094;

  private final DataSource dataSource;
  private final AutoCloseable closeable;
  private final Clock clock;
  private final AtomicBoolean eventFailureLogged = new AtomicBoolean();
  private volatile Server server;

  /**
   * What the engine learnt about the server on first contact.
   *
   * @param events whether expiry events are created (the event scheduler runs)
   */
  private record Server(String version, MysqlDialect dialect, boolean hashOnly, boolean events) {}

  /**
   * @param closeable closed with the engine (the pool), may be null
   */
  public MysqlEngine(DataSource dataSource, AutoCloseable closeable, Clock clock) {
    this.dataSource = dataSource;
    this.closeable = closeable;
    this.clock = clock;
  }

  /** Whether this server ends access at the expiry by itself (an event per user). */
  public boolean enforcesExpiry() {
    try (Connection c = dataSource.getConnection()) {
      return server(c).events() && !eventFailureLogged.get();
    } catch (SQLException e) {
      throw failure("could not read the server settings", e);
    }
  }

  @Override
  public int maxUsernameLength() {
    return 32;
  }

  @Override
  public String serverVersion() {
    try (Connection c = dataSource.getConnection()) {
      return server(c).version();
    } catch (SQLException e) {
      throw failure("could not read the server version", e);
    }
  }

  /** MySQL or MariaDB, as the server reports itself. */
  public MysqlFlavor flavor() {
    try (Connection c = dataSource.getConnection()) {
      return server(c).dialect().flavor();
    } catch (SQLException e) {
      throw failure("could not read the server version", e);
    }
  }

  @Override
  public void provision(UserGrant grant) {
    String user = grant.username();
    String host = grant.hostPattern();
    if (grant.connectionLimit() == 0) {
      // MAX_USER_CONNECTIONS 0 means "no limit" in MySQL, the opposite of what 0 says.
      throw new EngineException(
          "the target's connectionLimit 0 would let nobody log in; set at least 1, or -1 for no"
              + " limit",
          true,
          null);
    }
    try (Connection c = dataSource.getConnection()) {
      Server s = server(c);
      MysqlDialect dialect = s.dialect();
      // The user name is unique to this request, so an existing account is a crashed earlier
      // attempt (possibly under another host pattern): start again from nothing.
      for (String oldHost : hosts(c, dialect, user)) {
        execute(c, dialect.drop(user, oldHost));
      }
      killSessions(c, dialect, user);
      if (dialect.usesRegistry()) {
        ManagedUserRegistry.register(c, user, grant.owner());
      }
      execute(c, dialect.createLocked(user, host, grant.owner()));
      try {
        if (!SqlTemplate.isBlank(grant.grantSql())) {
          executeTargetSql(c, SqlTemplate.render(grant.grantSql(), account(user, host)), "grant");
        }
        MysqlPrivileges.refuseElevated(c, dialect.flavor(), grant);
        String defaultRoles = defaultRoles(c, dialect, user, host);
        if (defaultRoles != null) {
          execute(c, defaultRoles);
        }
        // Before the unlock: there is never an open account without its expiry.
        scheduleExpiry(c, s, user, host, grant.expiresAt());
        executeSecret(
            c,
            dialect.activate(user, host, grant.password(), grant.connectionLimit(), s.hashOnly()),
            grant.password());
      } catch (SQLException | RuntimeException e) {
        if (dropQuietly(c, dialect, user, host) && dialect.usesRegistry()) {
          ManagedUserRegistry.forget(c, user);
        }
        if (s.events()) {
          dropExpiryEventQuietly(c, dialect, user);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure("could not create user " + user, e);
    }
  }

  /** Moves the user's expiry event, where there is one. */
  @Override
  public boolean changeExpiry(String username, Instant expiresAt) {
    try (Connection c = dataSource.getConnection()) {
      Server s = server(c);
      List<String> hosts = hosts(c, s.dialect(), username);
      if (hosts.isEmpty()) {
        return false;
      }
      scheduleExpiry(c, s, username, hosts.get(0), expiresAt);
      return true;
    } catch (SQLException e) {
      throw failure("could not change the expiry of user " + username, e);
    }
  }

  @Override
  public RevocationResult revoke(String username, String revokeSql, OwnedObjects ownedObjects) {
    try (Connection c = dataSource.getConnection()) {
      Server s = server(c);
      MysqlDialect dialect = s.dialect();
      List<String> hosts = hosts(c, dialect, username);
      if (hosts.isEmpty()) {
        if (s.events()) {
          dropExpiryEventQuietly(c, dialect, username);
        }
        if (dialect.usesRegistry()) {
          ManagedUserRegistry.forget(c, username);
        }
        return new RevocationResult(Outcome.ALREADY_ABSENT, 0, null);
      }
      for (String host : hosts) {
        String throwaway = Passwords.generate();
        executeSecret(c, dialect.lock(username, host, throwaway, s.hashOnly()), throwaway);
      }
      int terminated = killSessions(c, dialect, username);
      String dropFailure = null;
      try {
        for (String host : hosts) {
          if (!SqlTemplate.isBlank(revokeSql)) {
            executeTargetSql(c, SqlTemplate.render(revokeSql, account(username, host)), "revoke");
          }
        }
        if (ownedObjects == OwnedObjects.Drop) {
          MysqlDefinedObjects.drop(c, username, hosts);
        }
        List<String> defined = MysqlDefinedObjects.describe(c, username, hosts);
        if (!defined.isEmpty()) {
          dropFailure =
              "it is the DEFINER of "
                  + String.join(", ", defined)
                  + ", which would stop working; give them another definer (ALTER ... DEFINER or"
                  + " re-create them) or drop them (or set the target's spec.ownedObjects to"
                  + " Drop), and the operator drops the user on its next attempt";
        } else {
          for (String host : hosts) {
            execute(c, dialect.drop(username, host));
          }
          if (dialect.usesRegistry()) {
            ManagedUserRegistry.forget(c, username);
          }
        }
      } catch (EngineException e) {
        if (!e.isPermanent()) {
          throw e;
        }
        dropFailure = e.getMessage();
      } catch (SQLException e) {
        if (MysqlErrors.isTransient(e)) {
          throw e;
        }
        dropFailure = e.getMessage();
      }
      if (dropFailure != null) {
        LOG.warn("User {} is locked but could not be dropped: {}", username, dropFailure);
      }
      terminated += killSessions(c, dialect, username);
      if (s.events()) {
        dropExpiryEventQuietly(c, dialect, username);
      }
      return dropFailure == null
          ? new RevocationResult(Outcome.DROPPED, terminated, null)
          : new RevocationResult(Outcome.LEFT_DISABLED, terminated, dropFailure);
    } catch (SQLException e) {
      throw failure("could not revoke user " + username, e);
    }
  }

  /**
   * A role counts as held when every account of the user (every host) holds it directly; one held
   * by only some accounts is refused, since revoking it at the end could not tell the earlier grant
   * apart from ours. On MariaDB that split is also leaky: a login through an account whose role was
   * revoked still activates it as its default role while another account holds it.
   */
  @Override
  public RoleCheck checkRoles(String user, List<String> roles) {
    try (Connection c = dataSource.getConnection()) {
      MysqlDialect dialect = server(c).dialect();
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
    } catch (SQLException e) {
      throw failure("could not check roles for user " + user, e);
    }
  }

  /**
   * Grants each role to every account of the user. MariaDB: an account without a default role gets
   * the first role of the list as its default (one is all MariaDB activates at login); one that has
   * a default keeps it. MySQL: the roles join the account's default roles.
   */
  @Override
  public void grantRoles(String user, List<String> roles) {
    List<String> wanted = RoleCheck.distinct(roles);
    try (Connection c = dataSource.getConnection()) {
      MysqlDialect dialect = server(c).dialect();
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
    } catch (SQLException e) {
      throw failure("could not grant roles " + wanted + " to user " + user, e);
    } catch (IllegalArgumentException e) {
      throw new EngineException(
          "could not grant roles to user " + user + ": " + e.getMessage(), true, e);
    }
  }

  /**
   * Clears the revoked roles from every account's default roles, then revokes them. On MariaDB a
   * session that has a role active keeps its rights after the REVOKE (measured on 11.4, whether the
   * role came as the default or by SET ROLE); only {@code endSessions} ends that. MySQL 8.0.15
   * takes the rights from open sessions at once.
   */
  @Override
  public int revokeRoles(String user, List<String> roles, boolean endSessions) {
    List<String> revoked = RoleCheck.distinct(roles);
    try (Connection c = dataSource.getConnection()) {
      MysqlDialect dialect = server(c).dialect();
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
      return endSessions ? killSessions(c, dialect, user) : 0;
    } catch (SQLException e) {
      throw failure("could not revoke roles " + revoked + " from user " + user, e);
    } catch (IllegalArgumentException e) {
      throw new EngineException(
          "could not revoke roles from user " + user + ": " + e.getMessage(), true, e);
    }
  }

  @Override
  public List<ManagedUser> listManagedUsers(String prefix) {
    try (Connection c = dataSource.getConnection()) {
      MysqlDialect dialect = server(c).dialect();
      List<ManagedUser> users = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(dialect.managedUsersQuery())) {
        ps.setInt(1, prefix.length());
        ps.setString(2, prefix);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String name = rs.getString(1);
            long changed = rs.getLong(2);
            Instant createdAt =
                rs.wasNull() || changed <= 0 ? null : Instant.ofEpochSecond(changed);
            ManagedUser user = new ManagedUser(name, createdAt);
            if (Usernames.hasGeneratedShape(prefix, name) && !users.contains(user)) {
              users.add(user);
            }
          }
        }
      }
      return users;
    } catch (SQLException e) {
      throw failure("could not list managed users", e);
    }
  }

  @Override
  public void close() {
    Jdbc.closeQuietly(closeable);
  }

  private Server server(Connection c) throws SQLException {
    Server known = server;
    if (known != null) {
      return known;
    }
    String version;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT VERSION()")) {
      rs.next();
      version = rs.getString(1);
    }
    MysqlFlavor flavor = MysqlFlavor.fromVersion(version);
    MysqlDialect dialect = new MysqlDialect(flavor, MysqlFlavor.hasUserAttributes(version));
    if (dialect.usesRegistry()) {
      ManagedUserRegistry.prepare(c);
    }
    boolean validationPlugin = false;
    if (dialect.flavor() == MysqlFlavor.MARIADB) {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(dialect.passwordValidationQuery())) {
        validationPlugin = rs.next() && rs.getInt(1) > 0;
      }
    }
    boolean events;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(dialect.eventSchedulerQuery())) {
      events = rs.next() && "ON".equalsIgnoreCase(rs.getString(1));
    }
    if (!events) {
      LOG.warn(
          "The event scheduler is off on this {} server: expiry is enforced by the operator only"
              + " (set event_scheduler=ON to have the server enforce it)",
          dialect.flavor());
    }
    known = new Server(version, dialect, !validationPlugin, events);
    server = known;
    return known;
  }

  /**
   * Replaces the user's expiry event. Without the privilege to create events the server cannot
   * enforce expiry; the grant goes on, enforced by the operator, and that is logged once.
   */
  private void scheduleExpiry(Connection c, Server s, String user, String host, Instant expiresAt)
      throws SQLException {
    if (!s.events()) {
      return;
    }
    long seconds = (Duration.between(clock.instant(), expiresAt).toMillis() + 999) / 1000;
    try {
      execute(c, s.dialect().dropExpiryEvent(user));
      execute(c, s.dialect().createExpiryEvent(user, host, seconds));
    } catch (SQLException e) {
      if (MysqlErrors.isTransient(e)) {
        throw e;
      }
      if (eventFailureLogged.compareAndSet(false, true)) {
        LOG.warn(
            "Could not create the expiry event for {}: {}. Expiry on this server is enforced by"
                + " the operator only; grant the admin EVENT on its database to change that.",
            user,
            e.getMessage());
      }
    }
  }

  private static List<String> hosts(Connection c, MysqlDialect dialect, String user)
      throws SQLException {
    List<String> hosts = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(dialect.hostsQuery())) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          hosts.add(rs.getString(1));
        }
      }
    }
    return hosts;
  }

  private static String defaultRoles(Connection c, MysqlDialect dialect, String user, String host)
      throws SQLException {
    List<String> roles = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(dialect.grantedRolesQuery())) {
      ps.setString(1, user);
      ps.setString(2, host);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          roles.add(rs.getString(1));
        }
      }
    }
    try {
      return dialect.setDefaultRoles(user, host, roles);
    } catch (IllegalArgumentException e) {
      throw new EngineException(
          "the target's grant SQL cannot be used: " + e.getMessage(), true, e);
    }
  }

  private static void executeIfAny(Connection c, String sql) throws SQLException {
    if (sql != null) {
      execute(c, sql);
    }
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

  private static List<String> loginHosts(Connection c, MysqlDialect dialect, String user)
      throws SQLException {
    return strings(c, dialect.loginHostsQuery(), user);
  }

  private static List<String> heldRoles(
      Connection c, MysqlDialect dialect, String user, String host) throws SQLException {
    return strings(c, dialect.heldRolesQuery(), user, host);
  }

  private static List<MysqlDialect.DefaultRole> defaultRolesOf(
      Connection c, MysqlDialect dialect, String user, String host) throws SQLException {
    List<MysqlDialect.DefaultRole> roles = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(dialect.defaultRolesQuery())) {
      ps.setString(1, user);
      ps.setString(2, host);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          roles.add(new MysqlDialect.DefaultRole(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return roles;
  }

  /** The first column of every row of a query with string parameters. */
  private static List<String> strings(Connection c, String sql, String... params)
      throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getString(1));
        }
      }
    }
    return values;
  }

  /** Kills every session of the user but ours; a session that ended meanwhile is fine. */
  private static int killSessions(Connection c, MysqlDialect dialect, String user)
      throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(dialect.sessionsQuery())) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    int killed = 0;
    for (long id : ids) {
      try {
        execute(c, dialect.kill(id));
        killed++;
      } catch (SQLException e) {
        if (e.getErrorCode() != UNKNOWN_THREAD) {
          throw e;
        }
      }
    }
    return killed;
  }

  /** The account is locked or gone, so a leftover event could only lock it again. */
  private static void dropExpiryEventQuietly(Connection c, MysqlDialect dialect, String user)
      throws SQLException {
    try {
      execute(c, dialect.dropExpiryEvent(user));
    } catch (SQLException e) {
      if (MysqlErrors.isTransient(e)) {
        throw e;
      }
      LOG.debug("Could not drop the expiry event of {}: {}", user, e.getMessage());
    }
  }

  /** Whether the user is gone. */
  private static boolean dropQuietly(Connection c, MysqlDialect dialect, String user, String host) {
    try {
      execute(c, dialect.drop(user, host));
      return true;
    } catch (SQLException e) {
      LOG.warn(
          "Could not drop the half-created user {}; the next attempt or the orphan sweep will: {}",
          user,
          e.getMessage());
      return false;
    }
  }

  /**
   * Runs a statement that carries a password. Should the server quote the statement back in an
   * error, the password and its hash are cut out of the message before it goes anywhere.
   */
  private static void executeSecret(Connection c, String sql, String password) {
    try {
      execute(c, sql);
    } catch (SQLException e) {
      String message =
          String.valueOf(e.getMessage())
              .replace(password, "[redacted]")
              .replace(NativePassword.hash(password), "[redacted]");
      throw new EngineException(
          "could not set the password of a user: " + message, !MysqlErrors.isTransient(e), null);
    }
  }

  /**
   * Target SQL may hold several statements. The driver sends them in one round trip
   * (allowMultiQueries) and the server parses them, so quotes and comments are handled by the
   * server's own parser; every result is drained, since an error in a later statement only shows
   * when its result is read. Errors here are the target's, so they are permanent.
   */
  private static void executeTargetSql(Connection c, String sql, String which) {
    try (Statement s = c.createStatement()) {
      boolean isResultSet = s.execute(sql);
      while (isResultSet || s.getUpdateCount() != -1) {
        isResultSet = s.getMoreResults();
      }
    } catch (SQLException e) {
      throw new EngineException(
          "the target's " + which + " SQL failed: " + e.getMessage(),
          !MysqlErrors.isTransient(e),
          e);
    }
  }

  private static EngineException failure(String what, SQLException e) {
    return new EngineException(what + ": " + e.getMessage(), !MysqlErrors.isTransient(e), e);
  }
}
