package dev.tempdb.core.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
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

  /**
   * What went wrong, in the driver's or the server's words. HikariCP reports a connection it could
   * not get as "Connection is not available, request timed out after 35001ms (total=0, ...,
   * waiting=3)": that hides why (a wrong password, a refused port, TLS refused), and its numbers
   * change with every attempt, so each retry rewrote status and warned again. Why is in its cause:
   * the driver's last failure to connect. Without a cause, every connection stayed busy.
   */
  public static String describe(SQLException e) {
    if (!(e instanceof SQLTransientConnectionException)
        || !String.valueOf(e.getMessage()).contains("Connection is not available")) {
      return e.getMessage();
    }
    if (e.getCause() == null) {
      return "no pooled connection to the server became free within the connection timeout";
    }
    StringBuilder message = new StringBuilder();
    String previous = null;
    Throwable t = e.getCause();
    for (int i = 0; t != null && i < 16; i++, t = t.getCause()) {
      // Connector/J spreads its messages over several lines.
      String text = t.getMessage() == null ? "" : t.getMessage().replaceAll("\\s+", " ").trim();
      if (previous == null) {
        message.append(text);
      } else if (!previous.contains(text)) {
        message.append(" (").append(t.getClass().getSimpleName()).append(": ").append(text);
        message.append(')');
      }
      previous = text;
    }
    return message.toString();
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
