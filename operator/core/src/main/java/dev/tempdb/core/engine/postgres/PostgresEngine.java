package dev.tempdb.core.engine.postgres;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.postgres.PostgresSql.identifier;
import static dev.tempdb.core.engine.postgres.PostgresSql.literal;

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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporary users on PostgreSQL.
 *
 * <p>Passwords are hashed to a SCRAM-SHA-256 verifier on the operator's side ({@link
 * PasswordUtil#encodeScramSha256}), before any transaction is open, so the plain password never
 * crosses the wire and never lands in the server's statement log.
 *
 * <p>GRANT, REVOKE and DROP OWNED rewrite the privilege list of the object they name, and
 * PostgreSQL does not lock it: two grants on the same schema at once fail with "tuple concurrently
 * updated" (measured here with a burst of grants). Every transaction that changes privileges
 * therefore takes one transaction-scoped advisory lock per database first; it is held only for the
 * short tail of the transaction. {@code VALID UNTIL} makes the server itself refuse logins after
 * the expiry, even when the operator is down.
 *
 * <p>Revocation follows the order that closes every gap measured on PostgreSQL: commit NOLOGIN on
 * its own (so no new login slips in), terminate sessions by role OID (a dropped role's sessions no
 * longer show its name), revoke, reassign and drop in one transaction, then terminate again.
 */
public final class PostgresEngine implements DatabaseEngine {
  static final String MARKER = "tempdb-operator";

  /** Advisory lock key serialising privilege changes ("tempdb" in ASCII). */
  static final long PRIVILEGES_LOCK = 0x74656d706462L;

  private static final Pattern PROVISIONED_AT = Pattern.compile("provisioned=(\\S+)");
  private static final Logger LOG = LoggerFactory.getLogger(PostgresEngine.class);

  private final DataSource dataSource;
  private final AutoCloseable closeable;
  private final String reassignOwnedTo;
  private final Clock clock;

  /**
   * @param reassignOwnedTo role receiving objects of dropped users; null means the admin user
   * @param closeable closed with the engine (the pool), may be null
   */
  public PostgresEngine(
      DataSource dataSource, AutoCloseable closeable, String reassignOwnedTo, Clock clock) {
    this.dataSource = dataSource;
    this.closeable = closeable;
    this.reassignOwnedTo = reassignOwnedTo;
    this.clock = clock;
  }

  @Override
  public int maxUsernameLength() {
    return 63;
  }

  @Override
  public String serverVersion() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw failure("could not read the server version", e);
    }
  }

  @Override
  public void provision(UserGrant grant) {
    String role = identifier(grant.username());
    String verifier = PasswordUtil.encodeScramSha256(grant.password().toCharArray());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (roleOid(c, grant.username()).isEmpty()) {
          execute(
              c,
              "CREATE ROLE "
                  + role
                  + " NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
        }
        execute(
            c,
            "ALTER ROLE "
                + role
                + " PASSWORD "
                + literal(verifier)
                + " LOGIN CONNECTION LIMIT "
                + grant.connectionLimit()
                + " VALID UNTIL "
                + literal(grant.expiresAt().toString()));
        execute(
            c,
            "COMMENT ON ROLE "
                + role
                + " IS "
                + literal(MARKER + " owner=" + grant.owner() + " provisioned=" + clock.instant()));
        if (!SqlTemplate.isBlank(grant.grantSql())) {
          lockPrivileges(c);
          executeTargetSql(c, SqlTemplate.render(grant.grantSql(), role), "grant");
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("could not create user " + grant.username(), e);
    }
  }

  @Override
  public boolean changeExpiry(String username, Instant expiresAt) {
    try (Connection c = dataSource.getConnection()) {
      if (roleOid(c, username).isEmpty()) {
        return false;
      }
      execute(
          c,
          "ALTER ROLE " + identifier(username) + " VALID UNTIL " + literal(expiresAt.toString()));
      return true;
    } catch (SQLException e) {
      throw failure("could not change the expiry of user " + username, e);
    }
  }

  @Override
  public RevocationResult revoke(String username, String revokeSql, OwnedObjects ownedObjects) {
    String role = identifier(username);
    try (Connection c = dataSource.getConnection()) {
      OptionalLong oid = roleOid(c, username);
      if (oid.isEmpty()) {
        return new RevocationResult(Outcome.ALREADY_ABSENT, 0, null);
      }
      // Autocommit: NOLOGIN must be visible before sessions are ended, or one can log in between.
      execute(c, "ALTER ROLE " + role + " NOLOGIN PASSWORD NULL");
      int terminated = terminateSessions(c, oid.getAsLong());
      String dropFailure = null;
      c.setAutoCommit(false);
      try {
        lockPrivileges(c);
        if (!SqlTemplate.isBlank(revokeSql)) {
          executeTargetSql(c, SqlTemplate.render(revokeSql, role), "revoke");
        }
        // REASSIGN/DROP OWNED need the privileges of the user. A superuser has them; a CREATEROLE
        // admin (RDS, Cloud SQL) holds only ADMIN OPTION on the users it created, which lets it
        // grant itself the membership for the rest of this transaction (the drop removes it).
        if (!isSuperuser(c)) {
          execute(c, "GRANT " + role + " TO CURRENT_USER");
        }
        String heir = reassignOwnedTo == null ? "CURRENT_USER" : identifier(reassignOwnedTo);
        execute(c, "REASSIGN OWNED BY " + role + " TO " + heir);
        execute(c, "DROP OWNED BY " + role);
        execute(c, "DROP ROLE " + role);
        c.commit();
      } catch (SQLException | EngineException e) {
        c.rollback();
        if (e instanceof SQLException sql && isTransient(sql)) {
          throw sql;
        }
        if (e instanceof EngineException engine && !engine.isPermanent()) {
          throw engine;
        }
        dropFailure = e.getMessage();
        LOG.warn("User {} is locked but could not be dropped: {}", username, dropFailure);
      } finally {
        c.setAutoCommit(true);
      }
      terminated += terminateSessions(c, oid.getAsLong());
      return dropFailure == null
          ? new RevocationResult(Outcome.DROPPED, terminated, null)
          : new RevocationResult(Outcome.LEFT_DISABLED, terminated, dropFailure);
    } catch (SQLException e) {
      throw failure("could not revoke user " + username, e);
    }
  }

  /**
   * Besides a superuser or login role, a role that is itself a member (through any chain) of a
   * superuser or login role is refused: the user could SET ROLE along the chain to it.
   */
  @Override
  public RoleCheck checkRoles(String user, List<String> roles) {
    try (Connection c = dataSource.getConnection()) {
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
    } catch (SQLException e) {
      throw failure("could not check roles for user " + user, e);
    }
  }

  /**
   * One transaction under the privileges lock. Since PostgreSQL 16 a membership records its
   * grantor; a superuser's grant is recorded as the bootstrap superuser's, a CREATEROLE admin's
   * (which needs ADMIN OPTION on the role) as its own.
   */
  @Override
  public void grantRoles(String user, List<String> roles) {
    List<String> wanted = RoleCheck.distinct(roles);
    try (Connection c = dataSource.getConnection()) {
      if (roleOid(c, user).isEmpty()) {
        throw new EngineException(RoleCheck.userMissing(user), true, null);
      }
      c.setAutoCommit(false);
      try {
        lockPrivileges(c);
        for (String role : wanted) {
          if (!holdsDirectly(c, user, role)) {
            execute(c, "GRANT " + identifier(role) + " TO " + identifier(user));
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("could not grant roles " + wanted + " to user " + user, e);
    }
  }

  /**
   * A session that ran {@code SET ROLE role} keeps acting as the role after the REVOKE (measured on
   * PostgreSQL 17; sessions without it lose the rights at once), so only {@code endSessions} ends
   * that. REVOKE removes only the membership granted by the admin (as recorded since PostgreSQL
   * 16); one granted by another role stays, and that is reported as a permanent failure rather than
   * passed over, after the sessions are ended.
   */
  @Override
  public int revokeRoles(String user, List<String> roles, boolean endSessions) {
    List<String> revoked = RoleCheck.distinct(roles);
    try (Connection c = dataSource.getConnection()) {
      OptionalLong oid = roleOid(c, user);
      if (oid.isEmpty()) {
        return 0;
      }
      List<String> left = revokeHeld(c, user, revoked);
      // Also after a crash between the commit and here: the retry finds nothing held but still
      // ends the sessions.
      int terminated = endSessions ? terminateSessions(c, oid.getAsLong()) : 0;
      if (!left.isEmpty()) {
        throw new EngineException(
            "user "
                + user
                + " still holds "
                + String.join(", ", left)
                + " after the REVOKE: the membership was granted by another role than the"
                + " operator's admin; revoke it as that role or a superuser (REVOKE role FROM user"
                + " GRANTED BY grantor)",
            true,
            null);
      }
      return terminated;
    } catch (SQLException e) {
      throw failure("could not revoke roles " + revoked + " from user " + user, e);
    }
  }

  @Override
  public List<ManagedUser> listManagedUsers(String prefix) {
    String sql =
        "SELECT rolname, shobj_description(oid, 'pg_authid') FROM pg_roles"
            + " WHERE starts_with(rolname, ?) ORDER BY rolname";
    List<ManagedUser> users = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String comment = rs.getString(2);
          if (comment != null && comment.startsWith(MARKER + " ")) {
            users.add(new ManagedUser(rs.getString(1), provisionedAt(comment)));
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

  private static Instant provisionedAt(String comment) {
    Matcher m = PROVISIONED_AT.matcher(comment);
    try {
      return m.find() ? Instant.parse(m.group(1)) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
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
  private static boolean holdsDirectly(Connection c, String user, String role) throws SQLException {
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
  private static List<String> revokeHeld(Connection c, String user, List<String> roles)
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

  private static OptionalLong roleOid(Connection c, String username) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT oid::bigint FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, username);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  private static void lockPrivileges(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      ps.setLong(1, PRIVILEGES_LOCK);
      ps.execute();
    }
  }

  private static boolean isSuperuser(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private static int terminateSessions(Connection c, long oid) throws SQLException {
    String sql =
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE usesysid = ?::oid AND pid <> pg_backend_pid()";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * Target SQL may hold several statements; the driver's parser splits them, respecting quotes,
   * comments and dollar quoting. Errors here are the target's, so they are permanent.
   */
  private static void executeTargetSql(Connection c, String sql, String which) {
    try {
      execute(c, sql);
    } catch (SQLException e) {
      throw new EngineException(
          "the target's " + which + " SQL failed: " + e.getMessage(), !isTransient(e), e);
    }
  }

  private static EngineException failure(String what, SQLException e) {
    return new EngineException(what + ": " + e.getMessage(), !isTransient(e), e);
  }

  /**
   * Connection problems, resource shortages, serialisation failures, lock and statement timeouts
   * and an operator intervention heal by themselves; everything else needs a person.
   */
  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return true;
    }
    // "tuple concurrently updated" (XX000): a concurrent privilege change outside our lock, e.g. a
    // DBA's GRANT on the same object; trying again succeeds.
    return state.startsWith("08")
        || state.startsWith("40")
        || (state.equals("XX000")
            && String.valueOf(e.getMessage()).contains("concurrently updated"))
        || state.startsWith("53")
        || state.startsWith("57")
        || state.startsWith("58")
        || state.equals("55P03");
  }
}
