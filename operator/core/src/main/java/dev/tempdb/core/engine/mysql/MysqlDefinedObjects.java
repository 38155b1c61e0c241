package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.mysql.MysqlSql.identifier;

import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Stored objects whose DEFINER is a departing account: views, routines, triggers and events. Users
 * own nothing in MySQL and MariaDB, but these run with their definer's rights (views and routines
 * unless SQL SECURITY INVOKER; triggers and events always). Only what the admin may see in
 * information_schema is found.
 */
final class MysqlDefinedObjects {
  /** VIEW, PROCEDURE, FUNCTION, PACKAGE, PACKAGE BODY, TRIGGER or EVENT, with schema and name. */
  record Defined(String type, String schema, String name) {
    /** e.g. {@code view app.v_report}, as the DropFailed message names it. */
    String describe() {
      return type.toLowerCase(Locale.ROOT) + " " + schema + "." + name;
    }

    String dropStatement() {
      if (!DROPPABLE.contains(type)) {
        throw new IllegalArgumentException("cannot drop a " + type);
      }
      return "DROP " + type + " IF EXISTS " + identifier(schema) + "." + identifier(name);
    }
  }

  private static final Set<String> DROPPABLE =
      Set.of("VIEW", "PROCEDURE", "FUNCTION", "PACKAGE", "PACKAGE BODY", "TRIGGER", "EVENT");

  /** Parameter: the definer as information_schema writes it, {@code user@host}, four times. */
  static final String QUERY =
      "SELECT 'VIEW', TABLE_SCHEMA, TABLE_NAME FROM information_schema.VIEWS WHERE DEFINER = ?"
          + " UNION ALL SELECT ROUTINE_TYPE, ROUTINE_SCHEMA, ROUTINE_NAME"
          + " FROM information_schema.ROUTINES WHERE DEFINER = ?"
          + " UNION ALL SELECT 'TRIGGER', TRIGGER_SCHEMA, TRIGGER_NAME"
          + " FROM information_schema.TRIGGERS WHERE DEFINER = ?"
          + " UNION ALL SELECT 'EVENT', EVENT_SCHEMA, EVENT_NAME"
          + " FROM information_schema.EVENTS WHERE DEFINER = ?";

  private MysqlDefinedObjects() {}

  /** What the user's accounts define, e.g. {@code view app.v_report}. */
  static List<String> describe(Connection c, String user, List<String> hosts) throws SQLException {
    return find(c, user, hosts).stream().map(Defined::describe).toList();
  }

  static List<Defined> find(Connection c, String user, List<String> hosts) throws SQLException {
    List<Defined> objects = new ArrayList<>();
    for (String host : hosts) {
      try (PreparedStatement ps = c.prepareStatement(QUERY)) {
        for (int i = 1; i <= 4; i++) {
          ps.setString(i, user + "@" + host);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            objects.add(new Defined(rs.getString(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
    }
    return objects;
  }

  /**
   * ownedObjects: Drop. Drops what the user's accounts define; an object another session dropped
   * meanwhile is fine (IF EXISTS).
   *
   * @throws EngineException permanent when the admin may not drop one, naming it and the fix
   */
  static void drop(Connection c, String user, List<String> hosts) throws SQLException {
    for (Defined d : find(c, user, hosts)) {
      try {
        Jdbc.execute(c, d.dropStatement());
      } catch (SQLException e) {
        if (MysqlErrors.isTransient(e)) {
          throw e;
        }
        throw new EngineException(
            "could not drop "
                + d.describe()
                + ", which user "
                + user
                + " is the DEFINER of (spec.ownedObjects: Drop): "
                + e.getMessage()
                + "; give the admin the privilege to drop it, or drop it by hand",
            true,
            e);
      }
    }
  }
}
