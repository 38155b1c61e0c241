package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.mysql.ShowGrants.Level;
import dev.tempdb.core.engine.mysql.ShowGrants.Line;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Reading SHOW GRANTS lines and telling which are elevated. The MariaDB lines are what MariaDB
 * 11.4.5 printed here (MariaDbPrivilegeCheckIT also runs them end to end). The lines marked MySQL 8
 * follow the MySQL 8.0/8.4 reference manual; what MySQL 8.0.15 has also runs end to end in
 * MySql8PrivilegeCheckIT, and what only later versions have (partial revokes, SYSTEM_USER and other
 * newer dynamic privileges) is covered here alone.
 */
class MysqlPrivilegeRulesTest {
  private static final MysqlFlavor MARIA = MysqlFlavor.MARIADB;
  private static final MysqlFlavor MYSQL = MysqlFlavor.MYSQL;

  private static List<String> elevated(MysqlFlavor flavor, String line) {
    Line parsed = ShowGrants.parse(line);
    return MysqlPrivilegeRules.elevated(parsed, flavor, Set.of());
  }

  @Test
  void globalAdministrativePrivilegesAreNamedAsGrantTakesThem() {
    assertThat(
            elevated(
                MARIA,
                "GRANT RELOAD, SHUTDOWN, PROCESS, FILE, SUPER, CREATE USER, SET USER, READ_ONLY"
                    + " ADMIN, BINLOG ADMIN ON *.* TO `u1`@`%`"))
        .containsExactly(
            "RELOAD",
            "SHUTDOWN",
            "PROCESS",
            "FILE",
            "SUPER",
            "CREATE USER",
            "SET USER",
            "READ_ONLY ADMIN",
            "BINLOG ADMIN");
    assertThat(elevated(MARIA, "GRANT SLAVE MONITOR, SHOW CREATE ROUTINE ON *.* TO `u2`@`%`"))
        .containsExactly("SLAVE MONITOR");
    assertThat(elevated(MARIA, "GRANT USAGE ON *.* TO `u`@`%`")).isEmpty();
    assertThat(elevated(MARIA, "GRANT SELECT, SHOW DATABASES, SHOW VIEW ON *.* TO `u`@`%`"))
        .isEmpty();
  }

  @Test
  void allPrivilegesOnEverythingStandsForEachAdministrativePrivilege() {
    assertThat(elevated(MARIA, "GRANT ALL PRIVILEGES ON *.* TO `u2`@`%`"))
        .contains("SUPER", "CREATE USER", "SET USER", "BINLOG REPLAY", "MYSQL SCHEMA WRITE")
        .doesNotContain("GRANT OPTION");
    assertThat(
            elevated(
                MARIA,
                "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED VIA"
                    + " mysql_native_password USING 'invalid' OR unix_socket WITH GRANT OPTION"))
        .contains("SUPER", "GRANT OPTION");
    assertThat(elevated(MARIA, "GRANT ALL PRIVILEGES ON `app`.* TO `u`@`%`")).isEmpty();
  }

  @Test
  void grantOptionCountsAtEveryLevel() {
    Line table =
        ShowGrants.parse(
            "GRANT SELECT, INSERT (`on`, `a`), UPDATE (`a`) ON `app`.`t` TO `u1`@`%` WITH GRANT"
                + " OPTION");
    assertThat(table.privileges()).containsExactly("SELECT", "INSERT", "UPDATE");
    assertThat(table.level()).isEqualTo(Level.TABLE);
    assertThat(MysqlPrivilegeRules.elevated(table, MARIA, Set.of()))
        .containsExactly("GRANT OPTION");
    Line routine =
        ShowGrants.parse("GRANT EXECUTE ON PROCEDURE `app`.`p` TO `u1`@`%` WITH GRANT OPTION");
    assertThat(routine.level()).isEqualTo(Level.ROUTINE);
    assertThat(MysqlPrivilegeRules.elevated(routine, MARIA, Set.of()))
        .containsExactly("GRANT OPTION");
    assertThat(elevated(MARIA, "GRANT SELECT ON `app`.* TO `u`@`%` WITH GRANT OPTION"))
        .containsExactly("GRANT OPTION");
    assertThat(elevated(MARIA, "GRANT USAGE ON *.* TO `u`@`%` WITH GRANT OPTION"))
        .containsExactly("GRANT OPTION");
  }

  @Test
  void anythingButReadingOnTheMysqlSchemaIsMysqlSchemaWrite() {
    assertThat(elevated(MARIA, "GRANT INSERT ON `mysql`.* TO `u1`@`%`"))
        .containsExactly("MYSQL SCHEMA WRITE");
    assertThat(elevated(MARIA, "GRANT UPDATE (`Priv`) ON `mysql`.`global_priv` TO `u`@`%`"))
        .containsExactly("MYSQL SCHEMA WRITE");
    assertThat(elevated(MARIA, "GRANT SELECT, SHOW VIEW ON `mysql`.* TO `u`@`%`")).isEmpty();
    assertThat(elevated(MARIA, "GRANT SELECT ON `mysql`.`user` TO `u`@`%`")).isEmpty();
    // A global privilege covers the mysql schema too.
    assertThat(elevated(MARIA, "GRANT SELECT, INSERT, UPDATE, DELETE ON *.* TO `u`@`%`"))
        .containsExactly("MYSQL SCHEMA WRITE");
  }

  /** MySQL before 8.0.21 marks the operator's users there; writing it could mark anyone's. */
  @Test
  void writingTheOperatorsRegistrySchemaCountsAsMysqlSchemaWrite() {
    assertThat(elevated(MYSQL, "GRANT INSERT ON `tempdb_operator`.* TO `u`@`%`"))
        .containsExactly("MYSQL SCHEMA WRITE");
    assertThat(elevated(MYSQL, "GRANT DELETE ON `tempdb\\_%`.* TO `u`@`%`"))
        .containsExactly("MYSQL SCHEMA WRITE");
    assertThat(elevated(MYSQL, "GRANT UPDATE ON `tempdb_operator`.`managed_users` TO `u`@`%`"))
        .containsExactly("MYSQL SCHEMA WRITE");
    assertThat(elevated(MYSQL, "GRANT INSERT ON `tempdb_app`.* TO `u`@`%`")).isEmpty();
  }

  @Test
  void databaseNamesArePatternsThatMayMatchTheMysqlSchema() {
    assertThat(elevated(MARIA, "GRANT INSERT ON `m%`.* TO `u1`@`%`"))
        .containsExactly("MYSQL SCHEMA WRITE");
    assertThat(elevated(MARIA, "GRANT INSERT ON `%`.* TO `u`@`%`"))
        .containsExactly("MYSQL SCHEMA WRITE");
    assertThat(elevated(MARIA, "GRANT INSERT ON `my_ql`.* TO `u`@`%`"))
        .containsExactly("MYSQL SCHEMA WRITE");
    assertThat(elevated(MARIA, "GRANT INSERT ON `MySQL`.* TO `u`@`%`"))
        .containsExactly("MYSQL SCHEMA WRITE");
    assertThat(elevated(MARIA, "GRANT INSERT ON `my\\_ql`.* TO `u`@`%`")).isEmpty();
    assertThat(elevated(MARIA, "GRANT ALL PRIVILEGES ON `app\\_x`.* TO `u1`@`%`")).isEmpty();
    assertThat(elevated(MARIA, "GRANT INSERT ON `mysql_extra`.* TO `u`@`%`")).isEmpty();
  }

  @Test
  void proxyIsElevated() {
    Line proxy = ShowGrants.parse("GRANT PROXY ON 'adm'@'%' TO 'u2'@'%'");
    assertThat(proxy.level()).isEqualTo(Level.PROXY);
    assertThat(proxy.grantee()).isEqualTo("u2");
    assertThat(proxy.granteeHost()).isEqualTo("%");
    assertThat(MysqlPrivilegeRules.elevated(proxy, MARIA, Set.of())).containsExactly("PROXY");
  }

  @Test
  void roleGrantsAndOtherLinesGrantNoPrivilegeHere() {
    assertThat(ShowGrants.parse("GRANT `r1` TO `u1`@`%`")).isNull();
    assertThat(ShowGrants.parse("GRANT `we\"ird r` TO `u1`@`%` WITH ADMIN OPTION")).isNull();
    assertThat(ShowGrants.parse("GRANT r1 TO u1@`%`")).isNull();
    assertThat(ShowGrants.parse("SET DEFAULT ROLE `r1` FOR `u1`@`%`")).isNull();
    assertThat(ShowGrants.parse("GRANT `r2` TO PUBLIC")).isNull();
  }

  @Test
  void granteesAreRolesPublicOrAccounts() {
    Line role = ShowGrants.parse("GRANT CREATE USER ON *.* TO `r2`");
    assertThat(role.grantee()).isEqualTo("r2");
    assertThat(role.granteeHost()).isEmpty();
    Line publicRole = ShowGrants.parse("GRANT SUPER ON *.* TO PUBLIC");
    assertThat(publicRole.grantee()).isEqualTo("PUBLIC");
    assertThat(MysqlPrivilegeRules.elevated(publicRole, MARIA, Set.of())).containsExactly("SUPER");
  }

  @Test
  void everyQuotingTheServerMayUseIsRead() {
    // sql_mode ANSI_QUOTES, and sql_quote_show_create=0 (MariaDB 11.4.5 output).
    Line ansi = ShowGrants.parse("GRANT INSERT ON \"mysql\".* TO \"u1\"@\"%\"");
    assertThat(ansi.database()).isEqualTo("mysql");
    assertThat(ansi.grantee()).isEqualTo("u1");
    Line bare =
        ShowGrants.parse(
            "GRANT SELECT, INSERT (`on`, a), UPDATE (a) ON app.t TO u1@`%` WITH GRANT OPTION");
    assertThat(bare.database()).isEqualTo("app");
    assertThat(bare.grantOption()).isTrue();
    Line quotes = ShowGrants.parse("GRANT SELECT ON `we``ird`.`t` TO `u`@`%`");
    assertThat(quotes.database()).isEqualTo("we`ird");
  }

  @Test
  void aLineThatCannotBeReadIsAnErrorNotSilence() {
    assertThatThrownBy(() -> ShowGrants.parse("GRANT SELECT ON TO `u`@`%`"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShowGrants.parse("GRANT SELECT ON `app` TO `u`@`%`"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShowGrants.parse("GRANT SELECT ON `app`.* TO `u"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * MySQL 8 only: static privileges as SHOW GRANTS prints them (it never prints ALL globally).
   * CREATE ROLE and DROP ROLE also run on 8.0.15 in MySql8PrivilegeCheckIT.
   */
  @Test
  void mysql8StaticPrivilegesIncludeCreateRoleAndDropRole() {
    assertThat(
            elevated(
                MYSQL,
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, PROCESS, REFERENCES, INDEX,"
                    + " ALTER, SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE,"
                    + " REPLICATION SLAVE, REPLICATION CLIENT, CREATE VIEW, SHOW VIEW, CREATE"
                    + " ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER, CREATE ROLE, DROP ROLE"
                    + " ON *.* TO `User001`@`%` WITH GRANT OPTION"))
        .containsExactly(
            "MYSQL SCHEMA WRITE",
            "PROCESS",
            "REPLICATION SLAVE",
            "CREATE USER",
            "CREATE ROLE",
            "DROP ROLE",
            "GRANT OPTION");
  }

  /**
   * MySQL 8 only: dynamic privileges, one line, no spaces; unknown ones count as elevated.
   * CONNECTION_ADMIN, ROLE_ADMIN, SET_USER_ID and the harmless APPLICATION_PASSWORD_ADMIN and
   * RESOURCE_GROUP_USER also run on 8.0.15 in MySql8PrivilegeCheckIT; the others came later and are
   * covered here alone.
   */
  @Test
  void mysql8DynamicPrivilegesAreElevatedUnlessKnownHarmless() {
    assertThat(
            elevated(
                MYSQL,
                "GRANT APPLICATION_PASSWORD_ADMIN,AUDIT_ADMIN,BACKUP_ADMIN,CONNECTION_ADMIN,"
                    + "FLUSH_OPTIMIZER_COSTS,FLUSH_STATUS,RESOURCE_GROUP_USER,ROLE_ADMIN,"
                    + "SET_ANY_DEFINER,SET_USER_ID,SYSTEM_USER,SYSTEM_VARIABLES_ADMIN,"
                    + "VECTOR_STORE_LOAD_EXEC ON *.* TO `User001`@`%`"))
        .containsExactly(
            "AUDIT_ADMIN",
            "BACKUP_ADMIN",
            "CONNECTION_ADMIN",
            "ROLE_ADMIN",
            "SET_ANY_DEFINER",
            "SET_USER_ID",
            "SYSTEM_USER",
            "SYSTEM_VARIABLES_ADMIN",
            "VECTOR_STORE_LOAD_EXEC");
    assertThat(ShowGrants.parse("GRANT `r1`@`%` TO `u1`@`localhost` WITH ADMIN OPTION")).isNull();
    Line role = ShowGrants.parse("GRANT CREATE USER ON *.* TO `r1`@`%`");
    assertThat(role.grantee()).isEqualTo("r1");
    assertThat(role.granteeHost()).isEqualTo("%");
  }

  /**
   * 8.0.16+ only: SHOW GRANTS text, not run here (partial_revokes came with 8.0.16). A partial
   * revoke keeps the mysql schema out of a global privilege.
   */
  @Test
  void mysql8PartialRevokesOnTheMysqlSchemaAreHonoured() {
    List<Line> lines =
        List.of(
            ShowGrants.parse("GRANT SELECT, INSERT, DELETE ON *.* TO `u1`@`%`"),
            ShowGrants.parse("REVOKE INSERT ON `mysql`.* FROM `u1`@`%`"));
    Set<String> revoked = MysqlPrivilegeRules.revokedOnMysql(lines, lines.get(0));
    assertThat(revoked).containsExactly("INSERT");
    assertThat(MysqlPrivilegeRules.elevated(lines.get(0), MYSQL, revoked))
        .as("DELETE still reaches mysql")
        .containsExactly("MYSQL SCHEMA WRITE");
    assertThat(MysqlPrivilegeRules.elevated(lines.get(0), MYSQL, Set.of("INSERT", "DELETE")))
        .isEmpty();
    assertThat(MysqlPrivilegeRules.elevated(lines.get(1), MYSQL, Set.of())).isEmpty();
  }

  /**
   * MySQL 8 only: the mandatory_roles setting, which every account holds (run end to end on 8.0.15
   * in MySql8PrivilegeCheckIT).
   */
  @Test
  void mysql8MandatoryRolesAreReadAsAccounts() {
    assertThat(ShowGrants.accounts("`r1`@`%`,r2,`r 3`@`localhost`"))
        .extracting(a -> a[0] + "@" + a[1])
        .containsExactly("r1@%", "r2@%", "r 3@localhost");
    assertThat(ShowGrants.accounts("")).isEmpty();
  }
}
