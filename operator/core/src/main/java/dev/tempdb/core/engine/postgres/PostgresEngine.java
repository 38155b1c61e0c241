package dev.tempdb.core.engine.postgres;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.postgres.PostgresSql.identifier;
import static dev.tempdb.core.engine.postgres.PostgresSql.literal;

import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.Jdbc;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.RoleCheck;
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
import java.util.List;
import java.util.OptionalLong;
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
  public RevocationResult revoke(String username, String revokeSql) {
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

  @Override
  public RoleCheck checkRoles(String user, List<String> roles) {
    throw new UnsupportedOperationException("not written yet");
  }

  @Override
  public void grantRoles(String user, List<String> roles) {
    throw new UnsupportedOperationException("not written yet");
  }

  @Override
  public int revokeRoles(String user, List<String> roles, boolean endSessions) {
    throw new UnsupportedOperationException("not written yet");
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
