package dev.tempdb.core.engine.mysql;

import dev.tempdb.core.engine.mysql.ShowGrants.Level;
import dev.tempdb.core.engine.mysql.ShowGrants.Line;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which of the grants {@code SHOW GRANTS} prints are elevated. Pure, so the MySQL 8 forms are
 * unit-tested. A global privilege counts as elevated unless it is known to be harmless, so a
 * privilege a newer server adds is refused until a target lists it. Elevated, by the names targets
 * list in spec.allowedPrivileges:
 *
 * <ul>
 *   <li>each global privilege by its own name, e.g. SUPER, CREATE USER, FILE, SHUTDOWN, RELOAD,
 *       PROCESS, REPLICATION SLAVE; MariaDB's parts of SUPER (SET USER, CONNECTION ADMIN, READ_ONLY
 *       ADMIN, BINLOG ADMIN, BINLOG REPLAY, BINLOG MONITOR, FEDERATED ADMIN, REPLICATION SLAVE
 *       ADMIN, REPLICATION MASTER ADMIN, SLAVE MONITOR); MySQL's CREATE ROLE, DROP ROLE and dynamic
 *       privileges (SYSTEM_USER, ROLE_ADMIN, SET_USER_ID, ...);
 *   <li>GRANT OPTION at any level, and a role held WITH ADMIN OPTION;
 *   <li>PROXY on any account;
 *   <li>MYSQL SCHEMA WRITE: anything but reading (SELECT, SHOW VIEW, SHOW CREATE ROUTINE) on the
 *       {@code mysql} schema, at database (also a wildcard pattern that matches it), table, column
 *       or routine level, or globally, since a global privilege covers {@code mysql} too: writing
 *       the grant tables creates users. The operator's own schema {@code tempdb_operator} (where
 *       MySQL before 8.0.21 records managed users, see {@link ManagedUserRegistry}) counts the
 *       same: writing it could make the orphan sweep drop someone else's user.
 * </ul>
 */
final class MysqlPrivilegeRules {
  static final String MYSQL_SCHEMA_WRITE = "MYSQL SCHEMA WRITE";
  static final String GRANT_OPTION = "GRANT OPTION";

  /**
   * Global privileges that change no account, act as nobody else and read nothing beyond what
   * SELECT reads. MySQL's REPLICATION CLIENT lists binary logs but cannot read them (MariaDB prints
   * its alias as BINLOG MONITOR, which can). The MySQL 8 dynamic ones act on the user's own account
   * or on statistics only.
   */
  private static final Set<String> HARMLESS_GLOBAL =
      names(
          "USAGE, SELECT, SHOW DATABASES, SHOW VIEW, SHOW CREATE ROUTINE, CREATE TEMPORARY TABLES,"
              + " REPLICATION CLIENT, APPLICATION_PASSWORD_ADMIN, FLUSH_OPTIMIZER_COSTS,"
              + " FLUSH_STATUS, RESOURCE_GROUP_USER");

  private static final Set<String> READS = names("USAGE, SELECT, SHOW VIEW, SHOW CREATE ROUTINE");

  /** Privileges on objects; granted globally, they apply to the mysql schema as well. */
  private static final Set<String> OBJECT_PRIVILEGES =
      names(
          "INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, LOCK TABLES, EXECUTE,"
              + " CREATE VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY");

  /** The global privileges ALL PRIVILEGES stands for, in the order they are reported. */
  private static final Set<String> ALL_MARIADB =
      names(
          "RELOAD, SHUTDOWN, PROCESS, FILE, SUPER, REPLICATION SLAVE, BINLOG MONITOR, CREATE USER,"
              + " CREATE TABLESPACE, SET USER, FEDERATED ADMIN, CONNECTION ADMIN, READ_ONLY ADMIN,"
              + " REPLICATION SLAVE ADMIN, REPLICATION MASTER ADMIN, BINLOG ADMIN, BINLOG REPLAY,"
              + " SLAVE MONITOR, "
              + MYSQL_SCHEMA_WRITE);

  private static final Set<String> ALL_MYSQL =
      names(
          "RELOAD, SHUTDOWN, PROCESS, FILE, SUPER, REPLICATION SLAVE, CREATE USER,"
              + " CREATE TABLESPACE, CREATE ROLE, DROP ROLE, "
              + MYSQL_SCHEMA_WRITE);

  /**
   * MySQL partial revokes ({@code REVOKE INSERT ON `mysql`.* FROM u}, with partial_revokes on) that
   * take the mysql schema out of the same grantee's global privileges.
   */
  static Set<String> revokedOnMysql(List<Line> lines, Line of) {
    Set<String> revoked = new HashSet<>();
    for (Line l : lines) {
      if (l.revoke()
          && l.level() == Level.DATABASE
          && l.database().equalsIgnoreCase("mysql")
          && l.grantee().equals(of.grantee())
          && l.granteeHost().equals(of.granteeHost())) {
        revoked.addAll(l.privileges());
      }
    }
    return revoked;
  }

  /**
   * The elevated privileges of a line's grants, by name; a partial revoke gives none.
   *
   * @param revokedOnMysql privileges the grantee's partial revokes take away on the mysql schema
   */
  static List<String> elevated(Line line, MysqlFlavor flavor, Set<String> revokedOnMysql) {
    Set<String> names = new LinkedHashSet<>();
    if (line.revoke()) {
      return List.of();
    }
    for (String p : line.privileges()) {
      boolean all = p.equals("ALL") || p.equals("ALL PRIVILEGES");
      switch (line.level()) {
        case GLOBAL -> {
          if (all) {
            names.addAll(flavor == MysqlFlavor.MARIADB ? ALL_MARIADB : ALL_MYSQL);
          } else if (OBJECT_PRIVILEGES.contains(p)) {
            boolean revoked =
                revokedOnMysql.contains(p)
                    || revokedOnMysql.contains("ALL")
                    || revokedOnMysql.contains("ALL PRIVILEGES");
            if (!revoked) {
              names.add(MYSQL_SCHEMA_WRITE);
            }
          } else if (!HARMLESS_GLOBAL.contains(p)) {
            names.add(p);
          }
        }
        case PROXY -> names.add("PROXY");
        default -> {
          if ((all || !READS.contains(p)) && reachesMysqlSchema(line)) {
            names.add(MYSQL_SCHEMA_WRITE);
          }
        }
      }
    }
    if (line.grantOption()) {
      names.add(GRANT_OPTION);
    }
    return List.copyOf(names);
  }

  /**
   * Whether a database-, table- or routine-level grant applies to the mysql schema or the
   * operator's own. A database grant's name is a LIKE pattern ({@code %}, {@code _}, backslash
   * escapes); compared without case, since lower_case_table_names may make the server do so.
   */
  static boolean reachesMysqlSchema(Line line) {
    String db = line.database().toLowerCase(Locale.ROOT);
    for (String protectedSchema : List.of("mysql", ManagedUserRegistry.SCHEMA)) {
      boolean reaches =
          line.level() == Level.DATABASE
              ? like(db, 0, protectedSchema, 0)
              : db.equals(protectedSchema);
      if (reaches) {
        return true;
      }
    }
    return false;
  }

  private static boolean like(String pattern, int p, String text, int t) {
    if (p == pattern.length()) {
      return t == text.length();
    }
    char ch = pattern.charAt(p);
    if (ch == '%') {
      for (int k = t; k <= text.length(); k++) {
        if (like(pattern, p + 1, text, k)) {
          return true;
        }
      }
      return false;
    }
    if (ch == '\\' && p + 1 < pattern.length()) {
      return t < text.length()
          && pattern.charAt(p + 1) == text.charAt(t)
          && like(pattern, p + 2, text, t + 1);
    }
    return t < text.length()
        && (ch == '_' || ch == text.charAt(t))
        && like(pattern, p + 1, text, t + 1);
  }

  /** An ordered set from {@code "A, B C, D"}. */
  private static Set<String> names(String commaSeparated) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(commaSeparated.split(", "))));
  }

  private MysqlPrivilegeRules() {}
}
