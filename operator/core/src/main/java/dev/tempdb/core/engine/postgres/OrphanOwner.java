package dev.tempdb.core.engine.postgres;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.postgres.PostgresErrors.isTransient;
import static dev.tempdb.core.engine.postgres.PostgresSql.identifier;
import static dev.tempdb.core.engine.postgres.PostgresSql.literal;

import dev.tempdb.core.engine.EngineException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The heir: the role that owns what departing users leave behind ({@code OwnedObjects.Reassign}).
 *
 * <p>Never the admin. An object keeps acting with its owner's rights: a view reads as its owner, a
 * SECURITY DEFINER function runs as it, index expressions run as the table owner during VACUUM and
 * ANALYZE. Whatever a temporary user planted would act as the admin. So the heir must be of use to
 * nobody: it cannot log in, has none of the attributes that reach beyond objects, and is a member
 * of no role (or its objects would act with that role's rights too). Without {@code
 * spec.reassignOwnedTo} the operator uses its own heir, {@value #OPERATOR_HEIR}, created on demand
 * with exactly that. Object privileges granted to the heir are not checked: anyone who owns an
 * object, a temporary user included, can grant on it to the heir, and refusing them would let one
 * user block the revocation of all others.
 */
final class OrphanOwner {
  static final String OPERATOR_HEIR = "tempdb_orphans";

  /**
   * Must not start with the temporary users' marker ({@code "tempdb-operator "}): the orphan sweep
   * would take the heir for a leftover user under a prefix such as {@code tempdb_}.
   */
  static final String COMMENT =
      "owned by tempdb-operator: heir of what dropped temporary users left behind;"
          + " must not log in, have role attributes or be a member of any role";

  private static final String ATTRIBUTES =
      "SELECT r.rolname = current_user, r.rolcanlogin, r.rolsuper, r.rolcreaterole,"
          + " r.rolcreatedb, r.rolreplication, r.rolbypassrls,"
          + " ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g"
          + " ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1)"
          + " FROM pg_roles r WHERE r.rolname = ?";
  private static final List<String> ATTRIBUTE_NAMES =
      List.of("SUPERUSER", "CREATEROLE", "CREATEDB", "REPLICATION", "BYPASSRLS");

  private final String name;
  private final boolean configured;

  private OrphanOwner(String name, boolean configured) {
    this.name = name;
    this.configured = configured;
  }

  /** The DatabaseServer's spec.reassignOwnedTo, or the operator's own heir when it is null. */
  static OrphanOwner forServer(String reassignOwnedTo) {
    return reassignOwnedTo == null
        ? operatorManaged(OPERATOR_HEIR)
        : new OrphanOwner(reassignOwnedTo, true);
  }

  /** An operator-managed heir, created on demand; tests use their own name. */
  static OrphanOwner operatorManaged(String name) {
    return new OrphanOwner(name, false);
  }

  /**
   * Checks the heir in the revocation's transaction, before anything is reassigned; creates the
   * operator's heir when it does not exist yet.
   *
   * @throws EngineException permanent, naming the heir, what is wrong and the fix
   */
  void verify(Connection c, String username) throws SQLException {
    List<String> problems = new ArrayList<>();
    boolean isAdmin;
    try (PreparedStatement ps = c.prepareStatement(ATTRIBUTES)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          if (configured) {
            throw refused(username, List.of("does not exist"), false);
          }
          create(c, username);
          return;
        }
        isAdmin = rs.getBoolean(1);
        if (isAdmin) {
          problems.add("is the operator's own admin login, and objects it owns act as the admin");
        }
        if (rs.getBoolean(2)) {
          problems.add("can log in (LOGIN), and whoever logs in as it owns what was left");
        }
        List<String> attributes = new ArrayList<>();
        for (int i = 0; i < ATTRIBUTE_NAMES.size(); i++) {
          if (rs.getBoolean(3 + i)) {
            attributes.add(ATTRIBUTE_NAMES.get(i));
          }
        }
        if (!attributes.isEmpty()) {
          problems.add("has " + String.join(", ", attributes));
        }
        List<String> memberOf = texts(rs.getArray(8));
        if (!memberOf.isEmpty()) {
          problems.add(
              "is a member of "
                  + String.join(", ", memberOf)
                  + ", so its objects act with those roles' rights");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw refused(username, problems, isAdmin);
    }
  }

  /**
   * REASSIGN OWNED to the heir. It needs the admin to hold the heir's privileges, and since
   * PostgreSQL 16 to be able to SET ROLE to it as well (to become the owner of functions, types and
   * schemas). A superuser has both; a CREATEROLE admin holds only the ADMIN OPTION it got by
   * creating the heir, so it grants itself the membership for this transaction and revokes it
   * before the commit: between revocations the admin holds nothing of the heir, just as after
   * creating it, and nothing that acts as the admin acts as the owner of every leftover.
   */
  void receive(Connection c, String username, boolean adminIsSuperuser) throws SQLException {
    String heir = identifier(name);
    boolean borrow = !adminIsSuperuser && !adminActsAsHeir(c);
    if (borrow) {
      boolean pg16 = PostgresSql.atLeast16(c);
      try {
        execute(
            c, "GRANT " + heir + " TO CURRENT_USER" + (pg16 ? " WITH INHERIT TRUE, SET TRUE" : ""));
      } catch (SQLException e) {
        throw new EngineException(
            "objects of user "
                + username
                + " were not reassigned and the user is left locked: the admin cannot act as"
                + " the heir role "
                + name
                + " for REASSIGN OWNED and may not grant itself the role ("
                + e.getMessage()
                + "). As a superuser, GRANT "
                + name
                + " TO <admin> WITH ADMIN OPTION"
                + (pg16 ? ", INHERIT FALSE, SET FALSE" : "")
                + ", or set DatabaseServer spec.reassignOwnedTo to a role the admin may act as",
            !isTransient(e),
            e);
      }
    }
    execute(c, "REASSIGN OWNED BY " + identifier(username) + " TO " + heir);
    if (borrow) {
      // On PostgreSQL 16+ this removes only the membership the admin just granted (it is the
      // grantor); the ADMIN OPTION it holds from creating the heir stays, granting no rights.
      execute(c, "REVOKE " + heir + " FROM CURRENT_USER");
    }
  }

  private boolean adminActsAsHeir(Connection c) throws SQLException {
    String sql =
        "SELECT pg_has_role(oid, 'USAGE') AND CASE WHEN current_setting('server_version_num')::int"
            + " >= 160000 THEN pg_has_role(oid, 'SET') ELSE true END FROM pg_roles"
            + " WHERE rolname = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private void create(Connection c, String username) throws SQLException {
    String heir = identifier(name);
    try {
      execute(
          c,
          "CREATE ROLE "
              + heir
              + " NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
      execute(c, "COMMENT ON ROLE " + heir + " IS " + literal(COMMENT));
    } catch (SQLException e) {
      // Revocations on other databases of the same server do not share our advisory lock, so two
      // can create the heir at once; the loser tries again and finds it.
      boolean raced = PostgresErrors.isAlreadyThere(e);
      throw new EngineException(
          raced
              ? "the heir role " + name + " was created by another revocation at the same time"
              : "objects of user "
                  + username
                  + " were not reassigned and the user is left locked: could not create the"
                  + " operator's heir role "
                  + name
                  + " ("
                  + e.getMessage()
                  + "). Give the admin CREATEROLE, create the role as a superuser (CREATE ROLE "
                  + name
                  + " NOLOGIN), or set DatabaseServer spec.reassignOwnedTo to a role that cannot"
                  + " log in",
          !raced && !isTransient(e),
          e);
    }
  }

  private EngineException refused(String username, List<String> problems, boolean isAdmin) {
    String which =
        configured
            ? "the heir role " + name + " (DatabaseServer spec.reassignOwnedTo)"
            : "the operator's heir role " + name + " (used while spec.reassignOwnedTo is unset)";
    String want =
        "a role that cannot log in, has none of SUPERUSER, CREATEROLE, CREATEDB, REPLICATION,"
            + " BYPASSRLS and is a member of no role (e.g. CREATE ROLE orphans NOLOGIN)";
    String fix;
    if (!configured) {
      fix =
          "Fix role "
              + name
              + " (ALTER ROLE ... NOLOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION"
              + " NOBYPASSRLS, REVOKE its memberships), or set DatabaseServer spec.reassignOwnedTo"
              + " to "
              + want;
    } else if (problems.equals(List.of("does not exist"))) {
      fix =
          "Create it (CREATE ROLE "
              + name
              + " NOLOGIN), or unset DatabaseServer spec.reassignOwnedTo so the operator uses its"
              + " own "
              + OPERATOR_HEIR;
    } else {
      fix =
          (isAdmin ? "Set" : "Fix role " + name + ", or set")
              + " DatabaseServer spec.reassignOwnedTo to "
              + want
              + ", or unset it so the operator uses its own "
              + OPERATOR_HEIR;
    }
    return new EngineException(
        "objects of user "
            + username
            + " were not reassigned and the user is left locked (NOLOGIN, sessions ended): "
            + which
            + " "
            + String.join("; ", problems)
            + ". "
            + fix,
        true,
        null);
  }

  private static List<String> texts(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
