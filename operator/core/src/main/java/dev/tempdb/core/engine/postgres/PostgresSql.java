package dev.tempdb.core.engine.postgres;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.postgres.PostgresErrors.isTransient;

import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.Jdbc;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What every part of the PostgreSQL engine shares: quoting for the few places where PostgreSQL
 * cannot take a bind parameter (DDL), catalog look-ups, the privileges lock and turning a
 * SQLException into an {@link EngineException} (error triage itself is {@link PostgresErrors}).
 */
final class PostgresSql {
  /** Advisory lock key serialising privilege changes ("tempdb" in ASCII). */
  static final long PRIVILEGES_LOCK = 0x74656d706462L;

  private PostgresSql() {}

  static String identifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A standard-conforming string literal; callers only pass values we generated. */
  static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL in SQL literal");
    }
    return '\'' + value.replace("'", "''") + '\'';
  }

  static OptionalLong roleOid(Connection c, String username) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT oid::bigint FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, username);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  /**
   * GRANT, REVOKE and DROP OWNED rewrite the privilege list of the object they name, and PostgreSQL
   * does not lock it: two at once fail with "tuple concurrently updated". One transaction-scoped
   * advisory lock per database serialises them.
   */
  static void lockPrivileges(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      ps.setLong(1, PRIVILEGES_LOCK);
      ps.execute();
    }
  }

  static boolean isSuperuser(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /** PostgreSQL 16 changed what role membership grants (INHERIT and SET per membership). */
  static boolean atLeast16(Connection c) throws SQLException {
    return c.getMetaData().getDatabaseMajorVersion() >= 16;
  }

  /** Ends the role's sessions; returns the PIDs of those ended. */
  static List<Long> terminateSessions(Connection c, long oid) throws SQLException {
    // FILTER runs per row after WHERE: only the role's own backends are terminated.
    String sql =
        "SELECT array_agg(pid) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE usesysid = ?::oid AND pid <> pg_backend_pid()";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        Array pids = rs.getArray(1);
        if (pids == null) {
          return List.of();
        }
        List<Long> ended = new ArrayList<>();
        for (Integer pid : (Integer[]) pids.getArray()) {
          ended.add(pid.longValue());
        }
        return ended;
      }
    }
  }

  /**
   * Target SQL may hold several statements; the driver's parser splits them, respecting quotes,
   * comments and dollar quoting. Errors here are the target's, so they are permanent.
   */
  static void executeTargetSql(Connection c, String sql, String which) {
    try {
      execute(c, sql);
    } catch (SQLException e) {
      throw new EngineException(
          "the target's " + which + " SQL failed: " + e.getMessage(), !isTransient(e), e);
    }
  }

  static EngineException failure(String what, SQLException e) {
    return new EngineException(what + ": " + Jdbc.describe(e), !isTransient(e), e);
  }
}
