package dev.tempdb.operator.servers;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.core.engine.DatabaseEngine;

/** The engine (admin connection pool) of a DatabaseServer; {@link ServerRegistry} in production. */
@FunctionalInterface
public interface Engines {
  /**
   * @throws dev.tempdb.operator.servers.ServerConfigException when the server cannot be reached as
   *     configured (e.g. its admin Secret is missing)
   */
  DatabaseEngine engineFor(DatabaseServer server);
}
