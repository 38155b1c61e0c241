package dev.tempdb.api.v1alpha1;

/** Patterns and names shared by the three kinds, kept in one place so they cannot drift apart. */
public final class ApiConstants {
  public static final String GROUP = "tempdb.dev";
  public static final String VERSION = "v1alpha1";

  /** A Kubernetes object name (RFC 1123 subdomain, lower case). */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

  /**
   * Who a request is for, usually an email: the characters a database user name, an AWS tag value
   * and a log line can all carry safely.
   */
  public static final String REQUESTER_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._%+@-]*$";

  public static final int REQUESTER_MAX_LENGTH = 254;

  /** An elevated privilege a target may allow, e.g. CREATEDB, GRANT OPTION, pg_signal_backend. */
  public static final String PRIVILEGE_PATTERN = "^[A-Za-z][A-Za-z_]*( [A-Za-z_]+)*$";

  /**
   * A duration such as {@code 30m}, {@code 1h30m} or {@code 90s}: the subset of Go's duration
   * syntax that Kubernetes CEL's {@code duration()} also understands, so CEL rules can compare two
   * durations.
   */
  public static final String DURATION_PATTERN = "^([0-9]{1,6}(h|m|s))+$";

  private ApiConstants() {}
}
