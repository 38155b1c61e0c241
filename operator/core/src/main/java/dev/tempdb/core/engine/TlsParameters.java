package dev.tempdb.core.engine;

import dev.tempdb.api.v1alpha1.TlsMode;

/**
 * A {@link TlsMode} in each client's own vocabulary, written once for the admin connections and the
 * published connection strings alike. An unset mode means {@code require}, the CRD's default.
 */
public final class TlsParameters {
  private TlsParameters() {}

  public static TlsMode orDefault(TlsMode mode) {
    return mode == null ? TlsMode.REQUIRE : mode;
  }

  /** libpq's and pgJDBC's {@code sslmode}. */
  public static String libpq(TlsMode mode) {
    return switch (orDefault(mode)) {
      case DISABLE -> "disable";
      case REQUIRE -> "require";
      case VERIFY_CA -> "verify-ca";
      case VERIFY_FULL -> "verify-full";
    };
  }

  /** MySQL Connector/J's {@code sslMode} and the mysql client's {@code --ssl-mode}. */
  public static String mysql(TlsMode mode) {
    return switch (orDefault(mode)) {
      case DISABLE -> "DISABLED";
      case REQUIRE -> "REQUIRED";
      case VERIFY_CA -> "VERIFY_CA";
      case VERIFY_FULL -> "VERIFY_IDENTITY";
    };
  }

  /** MariaDB Connector/J's {@code sslMode} ({@code trust}: encrypt without checking). */
  public static String mariaDbConnector(TlsMode mode) {
    return switch (orDefault(mode)) {
      case DISABLE -> "disable";
      case REQUIRE -> "trust";
      case VERIFY_CA -> "verify-ca";
      case VERIFY_FULL -> "verify-full";
    };
  }
}
