package dev.tempdb.operator.testing;

import dev.tempdb.core.testing.MySql8Fixture;

/**
 * The MySQL 8.0.15 of the core test-jar; the DatabaseServer {@code mysql} connects to its app
 * database. Older than 8.0.21, so the operator marks its users in tempdb_operator.managed_users.
 */
final class MySqlTestDatabase extends MysqlFamilyTestDatabase {
  MySqlTestDatabase() {
    super(MySql8Fixture.get());
  }

  @Override
  public String key() {
    return "mysql";
  }
}
