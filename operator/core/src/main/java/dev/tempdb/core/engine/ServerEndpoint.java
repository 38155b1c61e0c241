package dev.tempdb.core.engine;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import java.time.Duration;

/**
 * Everything needed to open admin connections to one server.
 *
 * @param name namespace/name of the DatabaseServer, for pool names and messages
 * @param caPem PEM CA bundle for verify-ca/verify-full, or null
 * @param reassignOwnedTo PostgreSQL role that inherits objects of dropped users, or null for the
 *     operator's own heir role {@code tempdb_orphans} (never the admin)
 */
public record ServerEndpoint(
    String name,
    Engine engine,
    String host,
    int port,
    String database,
    String adminUser,
    String adminPassword,
    TlsMode tlsMode,
    String caPem,
    Duration connectTimeout,
    Duration statementTimeout,
    int maxConnections,
    String reassignOwnedTo) {

  /** Never prints the admin password. */
  @Override
  public String toString() {
    return "ServerEndpoint[" + name + " " + engine + " " + host + ":" + port + "/" + database + "]";
  }
}
