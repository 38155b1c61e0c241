package dev.tempdb.core.engine.mysql;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /**
   * Whether a MySQL server has user {@code ATTRIBUTE} (and {@code mysql.user.User_attributes}),
   * which came with 8.0.21. An unreadable version counts as new: the rendered-SQL path is the
   * current one.
   */
  public static boolean hasUserAttributes(String version) {
    Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)").matcher(String.valueOf(version));
    if (!m.find()) {
      return true;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    int patch = Integer.parseInt(m.group(3));
    return major > 8 || (major == 8 && (minor > 0 || patch >= 21));
  }
}
