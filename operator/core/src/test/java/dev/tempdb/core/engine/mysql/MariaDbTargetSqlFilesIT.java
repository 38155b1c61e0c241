package dev.tempdb.core.engine.mysql;

import dev.tempdb.core.testing.MariaDbFixture;
import dev.tempdb.core.testing.MysqlFamilyServer;

/** The shipped targets/mysql-*.sql files against a real MariaDB. */
class MariaDbTargetSqlFilesIT extends MysqlFamilyTargetSqlFilesContract {
  @Override
  MysqlFamilyServer server() {
    return MariaDbFixture.get();
  }
}
