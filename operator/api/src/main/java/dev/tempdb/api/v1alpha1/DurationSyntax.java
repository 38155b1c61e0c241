package dev.tempdb.api.v1alpha1;

import java.time.Duration;

/**
 * Writes durations in the API's syntax ({@link ApiConstants#DURATION_PATTERN}), e.g. {@code 1h30m}:
 * one formatter for every caller that writes a ttl or names a limit, so they all read alike.
 */
public final class DurationSyntax {
  private DurationSyntax() {}

  /** Formats whole seconds as hours, minutes and seconds, e.g. {@code 24h}, {@code 1m30s}. */
  public static String format(Duration d) {
    StringBuilder out = new StringBuilder();
    if (d.toHours() > 0) {
      out.append(d.toHours()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      out.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || out.isEmpty()) {
      out.append(d.toSecondsPart()).append('s');
    }
    return out.toString();
  }
}
