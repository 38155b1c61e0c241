package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.Jdbc.execute;

import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every part of the MySQL/MariaDB engine shares: account and role look-ups, ending sessions,
 * running statements that carry a password or come from the target, and error triage.
 */
final class MysqlAccounts {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlAccounts.class);

  private MysqlAccounts() {}

  /** Every host of the user name's accounts, locked ones included. */
  static List<String> hosts(Connection c, MysqlDialect dialect, String user) throws SQLException {
    return strings(c, dialect.hostsQuery(), user);
  }

  static List<String> loginHosts(Connection c, MysqlDialect dialect, String user)
      throws SQLException {
    return strings(c, dialect.loginHostsQuery(), user);
  }

  static List<String> heldRoles(Connection c, MysqlDialect dialect, String user, String host)
      throws SQLException {
    return strings(c, dialect.heldRolesQuery(), user, host);
  }

  static List<MysqlDialect.DefaultRole> defaultRolesOf(
      Connection c, MysqlDialect dialect, String user, String host) throws SQLException {
    List<MysqlDialect.DefaultRole> roles = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(dialect.defaultRolesQuery())) {
      ps.setString(1, user);
      ps.setString(2, host);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          roles.add(new MysqlDialect.DefaultRole(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return roles;
  }

  /** The first column of every row of a query with string parameters. */
  static List<String> strings(Connection c, String sql, String... params) throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getString(1));
        }
      }
    }
    return values;
  }

  /** Kills every session of the user but ours; a session that ended meanwhile is fine. */
  /** Ends the user's sessions; returns the process-list ids of those ended. */
  static List<Long> killSessions(Connection c, MysqlDialect dialect, String user)
      throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(dialect.sessionsQuery())) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    List<Long> killed = new ArrayList<>();
    for (long id : ids) {
      try {
        execute(c, dialect.kill(id));
        killed.add(id);
      } catch (SQLException e) {
        if (!MysqlErrors.isUnknownThread(e)) {
          throw e;
        }
      }
    }
    return killed;
  }

  static void executeIfAny(Connection c, String sql) throws SQLException {
    if (sql != null) {
      execute(c, sql);
    }
  }

  /** The account is locked or gone, so a leftover event could only lock it again. */
  static void dropExpiryEventQuietly(Connection c, MysqlDialect dialect, String user)
      throws SQLException {
    try {
      execute(c, dialect.dropExpiryEvent(user));
    } catch (SQLException e) {
      if (MysqlErrors.isTransient(e)) {
        throw e;
      }
      LOG.debug("Could not drop the expiry event of {}: {}", user, e.getMessage());
    }
  }

  /**
   * Runs a statement that carries a password. Should the server quote the statement back in an
   * error, the password and its hash are cut out of the message before it goes anywhere.
   */
  static void executeSecret(Connection c, String sql, String password) {
    try {
      execute(c, sql);
    } catch (SQLException e) {
      String message =
          String.valueOf(e.getMessage())
              .replace(password, "[redacted]")
              .replace(NativePassword.hash(password), "[redacted]");
      throw new EngineException(
          "could not set the password of a user: " + message, !MysqlErrors.isTransient(e), null);
    }
  }

  /**
   * Target SQL may hold several statements. The driver sends them in one round trip
   * (allowMultiQueries) and the server parses them, so quotes and comments are handled by the
   * server's own parser; every result is drained, since an error in a later statement only shows
   * when its result is read. Errors here are the target's, so they are permanent.
   */
  static void executeTargetSql(Connection c, String sql, String which) {
    try (Statement s = c.createStatement()) {
      boolean isResultSet = s.execute(sql);
      while (isResultSet || s.getUpdateCount() != -1) {
        isResultSet = s.getMoreResults();
      }
    } catch (SQLException e) {
      throw new EngineException(
          "the target's " + which + " SQL failed: " + e.getMessage(),
          !MysqlErrors.isTransient(e),
          e);
    }
  }

  static EngineException failure(String what, SQLException e) {
    return new EngineException(what + ": " + Jdbc.describe(e), !MysqlErrors.isTransient(e), e);
  }
}
