package dev.tempdb.sym;

import dev.tempdb.api.v1alpha1.DurationSyntax;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Reads bounded numbers and durations from TEMPDB_SYM_* variables, naming the variable on error.
 */
public final class EnvSettings {
  private EnvSettings() {}

  /**
   * A duration in the API's syntax ({@code 20s}, {@code 5m}, {@code 1h30m}, as every TEMPDB_*
   * setting takes), or ISO-8601 ({@code PT20S}, accepted as before); unset or blank gives the
   * fallback.
   *
   * @param rule what is allowed, for the error, e.g. "from 30s to 15m, e.g. 5m"
   * @throws IllegalArgumentException "NAME must be a duration RULE (got VALUE)"
   */
  public static Duration duration(
      Map<String, String> env,
      String name,
      Duration fallback,
      Duration min,
      Duration max,
      String rule) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    String v = value.trim();
    Duration d = DurationSyntax.parse(v.toLowerCase(Locale.ROOT)).orElseGet(() -> iso(v));
    if (d != null && d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
      return d;
    }
    throw new IllegalArgumentException(
        name + " must be a duration " + rule + " (got " + value + ")");
  }

  private static Duration iso(String value) {
    try {
      return Duration.parse(value.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * @throws IllegalArgumentException naming the variable and the range
   */
  public static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + " must be a whole number from " + min + " to " + max + " (got " + value + ")");
  }
}
