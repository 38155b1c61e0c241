package dev.tempdb.core.engine.postgres;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.postgres.PostgresErrors.isTransient;
import static dev.tempdb.core.engine.postgres.PostgresSql.identifier;
import static dev.tempdb.core.engine.postgres.PostgresSql.lockPrivileges;

import dev.tempdb.core.engine.EngineException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a departing user holds in the server's other databases. {@code REASSIGN OWNED} and {@code
 * DROP OWNED} act on the current database only, so a table the user created in another database, or
 * a privilege granted to it there, kept {@code DROP ROLE} from ever succeeding. The shared catalog
 * {@code pg_shdepend} names those databases; in each, as the admin, the same policy is applied as
 * in the DatabaseServer's own database: SECURITY DEFINER routines dropped and the rest handed to
 * the heir ({@code Reassign}), or everything dropped ({@code Drop}), then its privileges revoked by
 * {@code DROP OWNED}. Each database commits on its own, before the user is dropped.
 */
final class OtherDatabases {
  /** Databases other than the current one where the role owns an object or holds a privilege. */
  private static final String WITH_DEPENDENCIES =
      "SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid"
          + " WHERE s.refclassid = 'pg_authid'::regclass AND s.refobjid = ?::oid"
          + " AND d.datname <> current_database() ORDER BY 1";

  private OtherDatabases() {}

  static List<String> holding(Connection c, long oid) throws SQLException {
    List<String> databases = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(WITH_DEPENDENCIES)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          databases.add(rs.getString(1));
        }
      }
    }
    return databases;
  }

  /**
   * Applies the owned-objects policy in {@code database}.
   *
   * @throws SQLException transient: retry the revocation
   * @throws EngineException permanent, naming the database: the user stays locked
   */
  static void clear(
      PostgresDatabases connector,
      String database,
      String username,
      long oid,
      boolean reassign,
      OrphanOwner heir,
      boolean adminIsSuperuser)
      throws SQLException {
    String role = identifier(username);
    try (Connection c = connector.connect(database)) {
      c.setAutoCommit(false);
      try {
        lockPrivileges(c);
        if (!adminIsSuperuser) {
          // As in the main database: a CREATEROLE admin borrows the membership for this
          // transaction only.
          execute(c, "GRANT " + role + " TO CURRENT_USER");
        }
        if (reassign) {
          heir.verify(c, username);
          SecurityDefiners.drop(c, username, oid);
          heir.receive(c, username, adminIsSuperuser);
        }
        execute(c, "DROP OWNED BY " + role);
        if (!adminIsSuperuser) {
          execute(c, "REVOKE " + role + " FROM CURRENT_USER");
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      if (isTransient(e)) {
        throw e;
      }
      throw inDatabase(database, e);
    } catch (EngineException e) {
      if (!e.isPermanent()) {
        throw e;
      }
      throw inDatabase(database, e);
    }
  }

  /** A permanent failure, naming the database it happened in. */
  private static EngineException inDatabase(String database, Exception e) {
    return new EngineException("in database " + database + ": " + e.getMessage(), true, e);
  }
}
