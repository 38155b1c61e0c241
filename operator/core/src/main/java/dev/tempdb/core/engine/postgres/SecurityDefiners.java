package dev.tempdb.core.engine.postgres;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.postgres.PostgresErrors.isTransient;

import dev.tempdb.core.engine.EngineException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops the SECURITY DEFINER functions and procedures a departing user owns, before the rest of
 * what it owns is reassigned.
 *
 * <p>Such a routine runs with its owner's rights whoever calls it, and it stays callable by whoever
 * it was granted to (PUBLIC, by default) after its creator is gone. Handed to the admin it was a
 * backdoor; handed to the heir it would run as the heir, harmless only as long as the heir holds
 * nothing, which a configured heir need not keep to. Nobody may rely on a temporary user's definer
 * rights, so the routines are dropped rather than handed to anyone. Without CASCADE: if another
 * object depends on one (a view, a trigger, a default), the revocation fails and says so instead of
 * dropping someone else's object. Only the current database is searched, like REASSIGN OWNED;
 * {@link OtherDatabases} runs this in each other database where the user owns something.
 */
final class SecurityDefiners {
  private static final String OWNED =
      "SELECT p.prokind = 'p', format('%I.%I(%s)', n.nspname, p.proname,"
          + " pg_get_function_identity_arguments(p.oid))"
          + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
          + " WHERE p.proowner = ?::oid AND p.prosecdef ORDER BY 2";

  private SecurityDefiners() {}

  /** Needs the privileges of the user (a superuser, or the admin's membership in it). */
  static void drop(Connection c, String username, long oid) throws SQLException {
    List<String> procedures = new ArrayList<>();
    List<String> functions = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(OWNED)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          (rs.getBoolean(1) ? procedures : functions).add(rs.getString(2));
        }
      }
    }
    try {
      // One statement per kind, so routines that depend on each other go together.
      if (!procedures.isEmpty()) {
        execute(c, "DROP PROCEDURE " + String.join(", ", procedures));
      }
      if (!functions.isEmpty()) {
        execute(c, "DROP FUNCTION " + String.join(", ", functions));
      }
    } catch (SQLException e) {
      List<String> all = new ArrayList<>(procedures);
      all.addAll(functions);
      throw new EngineException(
          "user "
              + username
              + " is left locked: its SECURITY DEFINER routines "
              + String.join(", ", all)
              + " could not be dropped ("
              + e.getMessage()
              + "); they run with their owner's rights, so they are never handed over. Drop"
              + " what depends on them, or, if only the user's own objects do, set the target's"
              + " spec.ownedObjects to Drop",
          !isTransient(e),
          e);
    }
  }
}
