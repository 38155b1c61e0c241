package dev.tempdb.core.engine.mysql;

import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.naming.Usernames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The orphan sweep's catalog read: users with the prefix and the generated name shape, and on MySQL
 * also the operator's marker (a user ATTRIBUTE, or a row in {@link ManagedUserRegistry} before
 * 8.0.21); one entry per user name and creation time, however many hosts it has.
 */
final class MysqlManagedUsers {
  private MysqlManagedUsers() {}

  /** The creation time is when the password was last set; null when the server does not know. */
  static List<ManagedUser> list(Connection c, MysqlDialect dialect, String prefix)
      throws SQLException {
    List<ManagedUser> users = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(dialect.managedUsersQuery())) {
      ps.setInt(1, prefix.length());
      ps.setString(2, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          long changed = rs.getLong(2);
          Instant createdAt = rs.wasNull() || changed <= 0 ? null : Instant.ofEpochSecond(changed);
          ManagedUser user = new ManagedUser(name, createdAt);
          if (Usernames.hasGeneratedShape(prefix, name) && !users.contains(user)) {
            users.add(user);
          }
        }
      }
    }
    return users;
  }
}
