package dev.tempdb.core.engine.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Connections, as the admin, to the server's other databases than the one the DatabaseServer names:
 * with the same driver settings, the database name passed as a value, never in a URL.
 */
@FunctionalInterface
public interface PostgresDatabases {
  /** A new connection to {@code database}; the caller closes it. */
  Connection connect(String database) throws SQLException;
}
