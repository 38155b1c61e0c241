package dev.tempdb.core.engine.mysql;

import dev.tempdb.core.testing.MariaDbFixture;
import dev.tempdb.core.testing.MysqlFamilyServer;
import java.util.List;

/** The operator with a limited admin on a real MariaDB. */
class MariaDbLimitedAdminIT extends MysqlFamilyLimitedAdminContract {
  @Override
  MysqlFamilyServer server() {
    return MariaDbFixture.get();
  }

  @Override
  List<String> documentedGrants(String account) {
    return List.of(
        "GRANT CREATE USER, PROCESS, CONNECTION ADMIN ON *.* TO " + account,
        "GRANT SELECT ON mysql.* TO " + account,
        "GRANT SELECT ON lim_app.* TO " + account + " WITH GRANT OPTION");
  }

  /**
   * Measured on MariaDB 11.4.5: GRANT role works with the ADMIN OPTION alone, but {@code SET
   * DEFAULT ROLE r FOR} another account is refused ("Access denied ... to database 'mysql'") unless
   * the admin may write the whole mysql schema; UPDATE on mysql.global_priv or mysql.user is not
   * enough.
   */
  @Override
  List<String> roleGrantGrants(String account) {
    return List.of("GRANT UPDATE ON mysql.* TO " + account);
  }
}
