package dev.tempdb.core.engine.mysql;

import dev.tempdb.core.testing.MySql8Fixture;
import dev.tempdb.core.testing.MysqlFamilyServer;

/** The shipped targets/mysql-*.sql files against a real MySQL 8.0.15. */
class MySql8TargetSqlFilesIT extends MysqlFamilyTargetSqlFilesContract {
  @Override
  MysqlFamilyServer server() {
    return MySql8Fixture.get();
  }
}
