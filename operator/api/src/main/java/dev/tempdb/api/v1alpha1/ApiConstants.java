package dev.tempdb.api.v1alpha1;

/** Patterns and names shared by the three kinds, kept in one place so they cannot drift apart. */
public final class ApiConstants {
  public static final String GROUP = "tempdb.dev";
  public static final String VERSION = "v1alpha1";

  /** A Kubernetes object name (RFC 1123 subdomain, lower case). */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

  /**
   * Who a request is for, usually an email: letters and digits of any script (with their combining
   * marks) and {@code . _ + - @}, starting with a letter or digit. That is what an AWS tag value
   * (which holds the requester exactly), a Kubernetes label-free annotation and a log line can all
   * carry: no whitespace, quotes, backslashes, control or invisible characters (bidi overrides,
   * zero-width), no {@code %}, which AWS tags refuse, and no {@code *} or {@code ?}, which IAM's
   * StringLike would read as wildcards. Checked by the CRD and again by {@link Requesters}.
   */
  public static final String REQUESTER_PATTERN = "^[\\p{L}\\p{Nd}][\\p{L}\\p{M}\\p{Nd}._+@-]*$";

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
