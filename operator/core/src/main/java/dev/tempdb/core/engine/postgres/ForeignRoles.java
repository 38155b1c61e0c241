package dev.tempdb.core.engine.postgres;

import dev.tempdb.core.engine.EngineException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Roles that carry the generated name of a request but that this operator did not create for it: a
 * DBA's or a person's own account, or another request's user. The operator marks every role it
 * creates with a comment, written in the transaction that creates the role ({@code tempdb-operator
 * owner=<namespace>/<name> provisioned=...}), so a role without that mark was made by someone else
 * and is never adopted (password reset and handed to the requester, with whatever it holds), locked
 * or dropped. Changing a role's comment needs CREATEROLE (ADMIN OPTION on 16+), which no temporary
 * user may hold, so a requester cannot unmark their own user to escape revocation.
 */
final class ForeignRoles {
  private static final String COMMENT =
      "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = ?";

  private ForeignRoles() {}

  /**
   * @param owner the request that must have created it, or null for any request of this operator
   */
  static boolean isOurs(Connection c, String username, String owner) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(COMMENT)) {
      ps.setString(1, username);
      try (ResultSet rs = ps.executeQuery()) {
        String comment = rs.next() ? rs.getString(1) : null;
        String mark = PostgresEngine.MARKER + " owner=" + (owner == null ? "" : owner + " ");
        return comment != null && comment.startsWith(mark);
      }
    }
  }

  static EngineException refusal(String username) {
    return new EngineException(
        "a database user named "
            + username
            + " already exists and this operator did not create it for this request, so it is"
            + " left untouched; if it is nobody's, drop it and create the request again,"
            + " otherwise delete this request",
        true,
        null);
  }
}
