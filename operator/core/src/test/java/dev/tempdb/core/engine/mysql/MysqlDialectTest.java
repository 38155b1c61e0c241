package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SQL each flavour gets. The MariaDB forms also run against a real server in MariaDb*IT, the
 * MySQL 8.0.15 forms in MySql8*IT; forms that only MySQL 8.0.21+ takes cannot run here and are
 * labelled "8.0.21+ only: rendered SQL".
 */
class MysqlDialectTest {
  private final MysqlDialect mysql = new MysqlDialect(MysqlFlavor.MYSQL);
  private final MysqlDialect maria = new MysqlDialect(MysqlFlavor.MARIADB);

  @Test
  void flavourComesFromTheVersionString() {
    assertThat(MysqlFlavor.fromVersion("11.4.5-MariaDB")).isEqualTo(MysqlFlavor.MARIADB);
    assertThat(MysqlFlavor.fromVersion("10.6.16-MariaDB-log")).isEqualTo(MysqlFlavor.MARIADB);
    assertThat(MysqlFlavor.fromVersion("8.0.36")).isEqualTo(MysqlFlavor.MYSQL);
    assertThat(MysqlFlavor.fromVersion("8.4.3-commercial")).isEqualTo(MysqlFlavor.MYSQL);
  }

  @Test
  void userAttributesCameWithMysql8021() {
    assertThat(MysqlFlavor.hasUserAttributes("8.0.15")).isFalse();
    assertThat(MysqlFlavor.hasUserAttributes("8.0.20-log")).isFalse();
    assertThat(MysqlFlavor.hasUserAttributes("5.7.44")).isFalse();
    assertThat(MysqlFlavor.hasUserAttributes("8.0.21")).isTrue();
    assertThat(MysqlFlavor.hasUserAttributes("8.0.36-28")).isTrue();
    assertThat(MysqlFlavor.hasUserAttributes("8.4.3")).isTrue();
    assertThat(MysqlFlavor.hasUserAttributes("9.1.0")).isTrue();
    assertThat(MysqlFlavor.hasUserAttributes("unknown")).isTrue();
  }

  /** Measured on 8.0.15 (MySql8EngineIT): ATTRIBUTE there is a syntax error. */
  @Test
  void mysqlBefore8021MarksUsersInTheRegistryInsteadOfAnAttribute() {
    MysqlDialect old = new MysqlDialect(MysqlFlavor.MYSQL, false);
    assertThat(old.usesRegistry()).isTrue();
    assertThat(old.createLocked("tdb_dana_abcdefgh", "%", "team-a/req-1"))
        .isEqualTo("CREATE USER 'tdb_dana_abcdefgh'@'%' ACCOUNT LOCK");
    assertThat(old.managedUsersQuery()).contains("tempdb_operator").doesNotContain("attributes");
    assertThat(mysql.usesRegistry()).isFalse();
    assertThat(maria.usesRegistry()).isFalse();
    assertThat(new MysqlDialect(MysqlFlavor.MARIADB, false).usesRegistry()).isFalse();
  }

  /** 8.0.21+ only: rendered SQL, not run here (no newer MySQL can be had on these machines). */
  @Test
  void mysqlLabelsTheAccountWithAnAttribute() {
    assertThat(mysql.createLocked("tdb_dana_abcdefgh", "%", "team-a/req-1"))
        .isEqualTo(
            "CREATE USER 'tdb_dana_abcdefgh'@'%' ACCOUNT LOCK"
                + " ATTRIBUTE '{\"tempdb-operator\": {\"owner\": \"team-a/req-1\"}}'");
    assertThat(maria.createLocked("tdb_dana_abcdefgh", "10.0.%", "team-a/req-1"))
        .isEqualTo("CREATE USER 'tdb_dana_abcdefgh'@'10.0.%' ACCOUNT LOCK");
  }

  /** 8.0.21+ only: rendered SQL, not run here; the sweep lists the accounts the attribute marks. */
  @Test
  void mysqlListsTheUsersItsAttributeMarks() {
    assertThat(mysql.managedUsersQuery())
        .isEqualTo(
            "SELECT User, UNIX_TIMESTAMP(password_last_changed) FROM mysql.user"
                + " WHERE LEFT(User, ?) = ?"
                + " AND JSON_EXTRACT(User_attributes, '$.metadata.\"tempdb-operator\"') IS NOT NULL"
                + " ORDER BY User");
  }

  /** 8.0.21+ only: rendered SQL, not run here. */
  @Test
  void anOwnerWithQuotesCannotBreakTheAttributeJson() {
    assertThat(mysql.createLocked("u", "%", "ns/req requester=o'bri\"en\\@x"))
        .endsWith("{\"owner\": \"ns/req requester=o_bri_en_@x\"}}'");
  }

  @Test
  void mariaDbGetsAHashAndMysqlThePasswordItSaltsItself() {
    String hash = NativePassword.hash("Secret-1");
    assertThat(maria.activate("u", "%", "Secret-1", 5, true))
        .isEqualTo(
            "ALTER USER 'u'@'%' IDENTIFIED BY PASSWORD '"
                + hash
                + "' WITH MAX_USER_CONNECTIONS 5 ACCOUNT UNLOCK");
    assertThat(mysql.activate("u", "%", "Secret-1", 5, true))
        .isEqualTo(
            "ALTER USER 'u'@'%' IDENTIFIED BY 'Secret-1' WITH MAX_USER_CONNECTIONS 5 ACCOUNT UNLOCK");
    // A password-validation plugin cannot check a hash; MariaDB then refuses it.
    assertThat(maria.activate("u", "%", "Secret-1", 5, false)).contains("IDENTIFIED BY 'Secret-1'");
  }

  @Test
  void unlimitedConnectionsIsZeroInMysql() {
    assertThat(mysql.activate("u", "%", "p", -1, true)).contains("MAX_USER_CONNECTIONS 0 ");
  }

  @Test
  void lockingReplacesThePassword() {
    assertThat(mysql.lock("u", "%", "Throwaway-1", true))
        .isEqualTo("ALTER USER 'u'@'%' IDENTIFIED BY 'Throwaway-1' ACCOUNT LOCK");
    assertThat(maria.lock("u", "%", "Throwaway-1", true))
        .startsWith("ALTER USER 'u'@'%' IDENTIFIED BY PASSWORD '*")
        .endsWith("' ACCOUNT LOCK");
  }

  @Test
  void defaultRolesUseEachFlavoursSyntax() {
    assertThat(mysql.setDefaultRoles("u", "%", List.of("app_read", "app_write")))
        .isEqualTo("SET DEFAULT ROLE ALL TO 'u'@'%'");
    assertThat(maria.setDefaultRoles("u", "%", List.of("app_read")))
        .isEqualTo("SET DEFAULT ROLE `app_read` FOR 'u'@'%'");
    assertThat(maria.setDefaultRoles("u", "%", List.of())).isNull();
    assertThatThrownBy(() -> maria.setDefaultRoles("u", "%", List.of("a", "b")))
        .hasMessageContaining("only one default role");
  }

  @Test
  void roleGrantsAndRevokesNameTheRoleAndTheAccount() {
    for (MysqlDialect dialect : List.of(mysql, maria)) {
      assertThat(dialect.grantRole("app_read", "alice", "%"))
          .isEqualTo("GRANT `app_read` TO 'alice'@'%'");
      assertThat(dialect.revokeRole("we`ird", "alice", "10.%"))
          .isEqualTo("REVOKE `we``ird` FROM 'alice'@'10.%'");
    }
  }

  @Test
  void mysqlAddsGrantedRolesToTheExistingDefaultRoles() {
    List<MysqlDialect.DefaultRole> current =
        List.of(
            new MysqlDialect.DefaultRole("base", "%"),
            new MysqlDialect.DefaultRole("local", "localhost"));

    assertThat(mysql.defaultRolesAfterGrant("alice", "%", current, List.of("app_read", "base")))
        .isEqualTo(
            "SET DEFAULT ROLE `base`@`%`, `local`@`localhost`, `app_read`@`%` TO 'alice'@'%'");
    assertThat(mysql.defaultRolesAfterGrant("alice", "%", List.of(), List.of("a", "b")))
        .isEqualTo("SET DEFAULT ROLE `a`@`%`, `b`@`%` TO 'alice'@'%'");
    // Already default: nothing to do, so a second grant changes nothing.
    assertThat(mysql.defaultRolesAfterGrant("alice", "%", current, List.of("base"))).isNull();
    assertThat(mysql.defaultRolesAfterGrant("alice", "%", current, List.of())).isNull();
  }

  @Test
  void mysqlRemovesOnlyTheRevokedRolesFromTheDefaultRoles() {
    List<MysqlDialect.DefaultRole> current =
        List.of(
            new MysqlDialect.DefaultRole("base", "%"),
            new MysqlDialect.DefaultRole("app_read", "%"),
            new MysqlDialect.DefaultRole("app_read", "localhost"));

    assertThat(mysql.defaultRolesAfterRevoke("alice", "%", current, List.of("app_read")))
        .as("the granted role is app_read@%; app_read@localhost is someone else's")
        .isEqualTo("SET DEFAULT ROLE `base`@`%`, `app_read`@`localhost` TO 'alice'@'%'");
    assertThat(
            mysql.defaultRolesAfterRevoke(
                "alice",
                "%",
                List.of(new MysqlDialect.DefaultRole("app_read", "%")),
                List.of("app_read")))
        .isEqualTo("SET DEFAULT ROLE NONE TO 'alice'@'%'");
    assertThat(mysql.defaultRolesAfterRevoke("alice", "%", current, List.of("other"))).isNull();
    assertThat(mysql.defaultRolesAfterRevoke("alice", "%", List.of(), List.of("a"))).isNull();
  }

  @Test
  void mariaDbSetsOneDefaultRoleOnlyWhenThereIsNoneAndClearsItOnRevoke() {
    List<MysqlDialect.DefaultRole> none = List.of();
    List<MysqlDialect.DefaultRole> base = List.of(new MysqlDialect.DefaultRole("base", ""));

    assertThat(maria.defaultRolesAfterGrant("alice", "%", none, List.of("a", "b")))
        .isEqualTo("SET DEFAULT ROLE `a` FOR 'alice'@'%'");
    assertThat(maria.defaultRolesAfterGrant("alice", "%", base, List.of("a"))).isNull();
    assertThat(maria.defaultRolesAfterRevoke("alice", "%", base, List.of("a", "base")))
        .isEqualTo("SET DEFAULT ROLE NONE FOR 'alice'@'%'");
    assertThat(maria.defaultRolesAfterRevoke("alice", "%", base, List.of("a"))).isNull();
  }

  @Test
  void rolesAndLoginAccountsAreToldApartInEachFlavour() {
    assertThat(mysql.isRoleQuery())
        .isEqualTo(
            "SELECT Host = '%' AND account_locked = 'Y' AND authentication_string = ''"
                + " FROM mysql.user WHERE User = ?");
    assertThat(mysql.loginHostsQuery())
        .isEqualTo(
            "SELECT Host FROM mysql.user WHERE User = ? AND NOT (Host = '%' AND account_locked"
                + " = 'Y' AND authentication_string = '') ORDER BY Host");
    assertThat(mysql.defaultRolesQuery())
        .isEqualTo(
            "SELECT DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST FROM mysql.default_roles"
                + " WHERE USER = ? AND HOST = ? ORDER BY DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST");
    assertThat(maria.isRoleQuery()).contains("is_role = 'Y'");
    assertThat(maria.loginHostsQuery()).contains("is_role = 'N'");
    assertThat(maria.defaultRolesQuery()).contains("default_role");
  }

  @Test
  void expiryEventsLockAndEndSessionsInEachFlavoursSyntax() {
    assertThat(maria.createExpiryEvent("u", "%", 3600))
        .isEqualTo(
            "CREATE EVENT `tempdb_expire_u` ON SCHEDULE AT CURRENT_TIMESTAMP + INTERVAL 3600 SECOND"
                + " ON COMPLETION NOT PRESERVE COMMENT 'tempdb-operator: ends the access of u at"
                + " its expiry' DO BEGIN ALTER USER 'u'@'%' ACCOUNT LOCK;"
                + " KILL CONNECTION USER 'u'; END");
    // MySQL has no KILL USER: a cursor over the process list ends each session.
    assertThat(mysql.createExpiryEvent("u", "10.%", 0))
        .contains("INTERVAL 1 SECOND")
        .contains("ALTER USER 'u'@'10.%' ACCOUNT LOCK;")
        .contains("CURSOR FOR SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'u';")
        .contains("KILL CONNECTION sid;")
        .endsWith("CLOSE sessions; END");
    assertThat(mysql.dropExpiryEvent("u")).isEqualTo("DROP EVENT IF EXISTS `tempdb_expire_u`");
  }

  @Test
  void rolesAndCreationTimesComeFromEachFlavoursTables() {
    assertThat(mysql.grantedRolesQuery()).contains("mysql.role_edges");
    assertThat(maria.grantedRolesQuery()).contains("mysql.roles_mapping");
    // RoleGrant names a MySQL role r, which GRANT reads as r@%; r@localhost is another role.
    assertThat(mysql.heldRolesQuery()).endsWith(" AND FROM_HOST = '%'");
    assertThat(mysql.grantedRolesQuery()).doesNotContain("FROM_HOST");
    assertThat(maria.heldRolesQuery()).isEqualTo(maria.grantedRolesQuery());
    assertThat(maria.managedUsersQuery()).contains("mysql.global_priv");
  }

  @Test
  void quotingRefusesWhatCouldChangeMeaning() {
    assertThat(MysqlSql.account("tdb_a_b", "10.0.0.0/255.255.0.0"))
        .isEqualTo("'tdb_a_b'@'10.0.0.0/255.255.0.0'");
    assertThat(MysqlSql.identifier("we`ird")).isEqualTo("`we``ird`");
    for (String bad : List.of("a'b", "a\\b", "a\nb", "a\0b")) {
      assertThatThrownBy(() -> MysqlSql.literal(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void nativeHashMatchesTheKnownValue() {
    // SELECT PASSWORD('abc') on MariaDB 11.4 (also checked live in MariaDbEngineIT).
    assertThat(NativePassword.hash("abc")).isEqualTo("*0D3CED9BEC10A777AEC23CCC353A8C08A633045E");
  }
}
