package dev.tempdb.core.engine.postgres;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.postgres.PostgresErrors.isTransient;
import static dev.tempdb.core.engine.postgres.PostgresSql.executeTargetSql;
import static dev.tempdb.core.engine.postgres.PostgresSql.identifier;
import static dev.tempdb.core.engine.postgres.PostgresSql.isSuperuser;
import static dev.tempdb.core.engine.postgres.PostgresSql.lockPrivileges;
import static dev.tempdb.core.engine.postgres.PostgresSql.roleOid;
import static dev.tempdb.core.engine.postgres.PostgresSql.terminateSessions;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.SqlTemplate;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocation in the order that closes every gap measured on PostgreSQL: commit NOLOGIN on its own
 * (so no new login slips in), terminate sessions by role OID (a dropped role's sessions no longer
 * show its name), apply the owned-objects policy in every other database where the user owns or
 * holds something ({@link OtherDatabases}), then one transaction under the privileges lock that
 * runs the revoke SQL, hands over or drops what the user owns and drops the user, then terminate
 * again.
 *
 * <p>What the user owns never goes to the admin. {@code Reassign}: its SECURITY DEFINER routines
 * are dropped ({@link SecurityDefiners}) and the rest goes to the heir ({@link OrphanOwner}), which
 * is checked first. {@code Drop}: DROP OWNED drops it all. Any permanent failure rolls the
 * transaction back and leaves the user locked, reported as {@link Outcome#LEFT_DISABLED}.
 */
final class PostgresRevocation {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresRevocation.class);

  private PostgresRevocation() {}

  /**
   * @param ownedObjects null counts as {@code Reassign}, the default
   */
  static RevocationResult revoke(
      Connection c,
      PostgresDatabases otherDatabases,
      String username,
      String revokeSql,
      OwnedObjects ownedObjects,
      OrphanOwner heir)
      throws SQLException {
    String role = identifier(username);
    boolean reassign = ownedObjects != OwnedObjects.Drop;
    OptionalLong oid = roleOid(c, username);
    if (oid.isEmpty()) {
      return RevocationResult.alreadyAbsent();
    }
    if (!ForeignRoles.isOurs(c, username, null)) {
      LOG.warn(
          "User {} exists but this operator did not create it; it is left untouched", username);
      return RevocationResult.alreadyAbsent(); // no user of ours: nothing to revoke
    }
    // Autocommit: NOLOGIN must be visible before sessions are ended, or one can log in between.
    execute(c, "ALTER ROLE " + role + " NOLOGIN PASSWORD NULL");
    List<Long> ended = new ArrayList<>(terminateSessions(c, oid.getAsLong()));
    boolean superuser = isSuperuser(c);
    // What blocks DROP ROLE in other databases goes first; then the user's own database.
    String dropFailure =
        clearOtherDatabases(
            c, otherDatabases, username, oid.getAsLong(), reassign, heir, superuser);
    if (dropFailure == null) {
      dropFailure = dropHere(c, username, oid.getAsLong(), revokeSql, reassign, heir, superuser);
    }
    if (dropFailure != null) {
      LOG.warn("User {} is locked but could not be dropped: {}", username, dropFailure);
    }
    ended.addAll(terminateSessions(c, oid.getAsLong()));
    return dropFailure == null
        ? new RevocationResult(Outcome.DROPPED, ended, null)
        : new RevocationResult(Outcome.LEFT_DISABLED, ended, dropFailure);
  }

  /** Null when done; the permanent failure that leaves the user locked otherwise. */
  private static String clearOtherDatabases(
      Connection c,
      PostgresDatabases otherDatabases,
      String username,
      long oid,
      boolean reassign,
      OrphanOwner heir,
      boolean superuser)
      throws SQLException {
    try {
      for (String database : OtherDatabases.holding(c, oid)) {
        OtherDatabases.clear(otherDatabases, database, username, oid, reassign, heir, superuser);
      }
      return null;
    } catch (EngineException e) {
      if (!e.isPermanent()) {
        throw e;
      }
      return e.getMessage();
    }
  }

  /**
   * One transaction under the privileges lock: revoke SQL, what the user owns, the user. Null when
   * done; the permanent failure that leaves the user locked otherwise.
   */
  private static String dropHere(
      Connection c,
      String username,
      long oid,
      String revokeSql,
      boolean reassign,
      OrphanOwner heir,
      boolean superuser)
      throws SQLException {
    String role = identifier(username);
    c.setAutoCommit(false);
    try {
      lockPrivileges(c);
      if (reassign) {
        // Before anything changes: a heir that fails the check leaves the user locked.
        heir.verify(c, username);
      }
      if (!SqlTemplate.isBlank(revokeSql)) {
        executeTargetSql(c, SqlTemplate.render(revokeSql, role), "revoke");
      }
      // REASSIGN/DROP OWNED need the privileges of the user. A superuser has them; a CREATEROLE
      // admin (RDS, Cloud SQL) holds only ADMIN OPTION on the users it created, which lets it
      // grant itself the membership for the rest of this transaction (the drop removes it).
      if (!superuser) {
        execute(c, "GRANT " + role + " TO CURRENT_USER");
      }
      if (reassign) {
        SecurityDefiners.drop(c, username, oid);
        heir.receive(c, username, superuser);
      }
      // Reassign: revokes what was granted to the user and its default privileges. Drop: also
      // drops everything it owns, SECURITY DEFINER routines included.
      execute(c, "DROP OWNED BY " + role);
      execute(c, "DROP ROLE " + role);
      c.commit();
      return null;
    } catch (SQLException | EngineException e) {
      c.rollback();
      if (e instanceof SQLException sql && isTransient(sql)) {
        throw sql;
      }
      if (e instanceof EngineException engine && !engine.isPermanent()) {
        throw engine;
      }
      return withDatabasesStillHolding(c, oid, e.getMessage());
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** The failure, and the other databases where the user still owns or holds something. */
  private static String withDatabasesStillHolding(Connection c, long oid, String failure) {
    try {
      List<String> databases = OtherDatabases.holding(c, oid);
      return databases.isEmpty()
          ? failure
          : failure
              + " (it still owns objects or holds privileges in: "
              + String.join(", ", databases)
              + ")";
    } catch (SQLException e) {
      return failure;
    }
  }
}
