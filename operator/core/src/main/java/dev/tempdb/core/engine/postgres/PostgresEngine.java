package dev.tempdb.core.engine.postgres;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.postgres.PostgresSql.executeTargetSql;
import static dev.tempdb.core.engine.postgres.PostgresSql.failure;
import static dev.tempdb.core.engine.postgres.PostgresSql.identifier;
import static dev.tempdb.core.engine.postgres.PostgresSql.literal;
import static dev.tempdb.core.engine.postgres.PostgresSql.lockPrivileges;
import static dev.tempdb.core.engine.postgres.PostgresSql.roleOid;
import static dev.tempdb.core.engine.postgres.PostgresSql.terminateSessions;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.Jdbc;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.engine.RevocationResult;
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

/**
 * Temporary users on PostgreSQL.
 *
 * <p>Passwords are hashed to a SCRAM-SHA-256 verifier on the operator's side ({@link
 * PasswordUtil#encodeScramSha256}), before any transaction is open, so the plain password never
 * crosses the wire and never lands in the server's statement log.
 *
 * <p>Every transaction that changes privileges takes one transaction-scoped advisory lock per
 * database first ({@link PostgresSql#lockPrivileges}); it is held only for the short tail of the
 * transaction. {@code VALID UNTIL} makes the server itself refuse logins after the expiry, even
 * when the operator is down. Before a grant commits, {@link PostgresPrivileges} reads what the user
 * really holds and refuses elevated privileges the target does not allow.
 *
 * <p>Revocation: see {@link PostgresRevocation}. What a user owns never goes to the admin.
 */
public final class PostgresEngine implements DatabaseEngine {
  static final String MARKER = "tempdb-operator";

  private static final Pattern PROVISIONED_AT = Pattern.compile("provisioned=(\\S+)");

  private final DataSource dataSource;
  private final AutoCloseable closeable;
  private final OrphanOwner heir;
  private final PostgresDatabases otherDatabases;
  private final Clock clock;

  /**
   * @param reassignOwnedTo role receiving what dropped users owned ({@link OwnedObjects#Reassign});
   *     null means the operator's own heir role, {@code tempdb_orphans}, created on demand. Never
   *     the admin.
   * @param closeable closed with the engine (the pool), may be null
   */
  public PostgresEngine(
      DataSource dataSource,
      AutoCloseable closeable,
      PostgresDatabases otherDatabases,
      String reassignOwnedTo,
      Clock clock) {
    this(dataSource, closeable, otherDatabases, OrphanOwner.forServer(reassignOwnedTo), clock);
  }

  /**
   * @param otherDatabases connections to the server's other databases, where revocation hands over
   *     or drops what the user owns there too
   */
  PostgresEngine(
      DataSource dataSource,
      AutoCloseable closeable,
      PostgresDatabases otherDatabases,
      OrphanOwner heir,
      Clock clock) {
    this.dataSource = dataSource;
    this.closeable = closeable;
    this.otherDatabases = otherDatabases;
    this.heir = heir;
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
        } else if (!ForeignRoles.isOurs(c, grant.username(), grant.owner())) {
          // Resetting it would hand someone else's account, and whatever it holds, to the
          // requester.
          throw ForeignRoles.refusal(grant.username());
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
        // Also without grant SQL: a user that already existed keeps the attributes it had.
        long oid =
            roleOid(c, grant.username())
                .orElseThrow(
                    () ->
                        new EngineException(
                            "the grant SQL dropped or renamed user "
                                + grant.username()
                                + "; fix spec.grant",
                            true,
                            null));
        PostgresPrivileges.refuseNotAllowed(c, grant.username(), oid, grant.allowedPrivileges());
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
    try (Connection c = dataSource.getConnection()) {
      return PostgresRevocation.revoke(c, otherDatabases, username, revokeSql, ownedObjects, heir);
    } catch (SQLException e) {
      throw failure("could not revoke user " + username, e);
    }
  }

  @Override
  public RoleCheck checkRoles(String user, List<String> roles) {
    try (Connection c = dataSource.getConnection()) {
      return PostgresRoles.check(c, user, roles);
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
          if (!PostgresRoles.holdsDirectly(c, user, role)) {
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
      List<String> left = PostgresRoles.revokeHeld(c, user, revoked);
      // Also after a crash between the commit and here: the retry finds nothing held but still
      // ends the sessions.
      int terminated = endSessions ? terminateSessions(c, oid.getAsLong()).size() : 0;
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
}
