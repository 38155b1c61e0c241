package dev.tempdb.core.engine.mysql;

import java.util.Locale;

/**
 * Which server speaks the MySQL protocol. Taken from {@code SELECT VERSION()}, not from the
 * DatabaseServer's engine field, because the SQL dialect must match the server actually reached (a
 * "mysql" endpoint may well be MariaDB behind a proxy).
 */
public enum MysqlFlavor {
  MYSQL,
  MARIADB;

  /** e.g. {@code 11.4.5-MariaDB}, {@code 10.6.16-MariaDB-log}, {@code 8.0.36}, {@code 8.4.3}. */
  public static MysqlFlavor fromVersion(String version) {
    return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb")
        ? MARIADB
        : MYSQL;
  }
}
