package dev.tempdb.core.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The few JDBC chores every engine shares. */
public final class Jdbc {
  private static final Logger LOG = LoggerFactory.getLogger(Jdbc.class);

  private Jdbc() {}

  /** Runs one statement (or, where the driver allows, several) and discards its results. */
  public static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Closes an engine's connection pool; a failure there must not stop a shutdown. */
  public static void closeQuietly(AutoCloseable closeable) {
    if (closeable != null) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.debug("Closing the connection pool failed", e);
      }
    }
  }
}
