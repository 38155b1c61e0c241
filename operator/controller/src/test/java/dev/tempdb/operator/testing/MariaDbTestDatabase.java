package dev.tempdb.operator.testing;

import dev.tempdb.core.testing.MariaDbFixture;

/** The embedded MariaDB; the DatabaseServer {@code maria} connects to its app database. */
final class MariaDbTestDatabase extends MysqlFamilyTestDatabase {
  MariaDbTestDatabase() {
    super(MariaDbFixture.get());
  }

  @Override
  public String key() {
    return "maria";
  }
}
