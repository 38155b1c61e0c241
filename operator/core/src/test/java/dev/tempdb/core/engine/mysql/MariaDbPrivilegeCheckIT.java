package dev.tempdb.core.engine.mysql;

import dev.tempdb.core.testing.MariaDbFixture;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.sql.SQLException;
import java.util.stream.Stream;

/** The privilege check and DEFINER objects against a real MariaDB. */
class MariaDbPrivilegeCheckIT extends MysqlFamilyPrivilegeCheckContract {
  @Override
  MysqlFamilyServer server() {
    return MariaDbFixture.get();
  }

  @Override
  int roleMemberships(String user) throws SQLException {
    return count("SELECT COUNT(*) FROM mysql.roles_mapping WHERE User = ?", user);
  }

  @Override
  Stream<String> grantTableWrites() {
    return Stream.of(
        "GRANT INSERT ON mysql.* TO {username}",
        "GRANT UPDATE (Priv) ON mysql.global_priv TO {username}",
        "GRANT ALL ON `my%`.* TO {username}",
        "GRANT SELECT, DELETE ON *.* TO {username}");
  }
}
