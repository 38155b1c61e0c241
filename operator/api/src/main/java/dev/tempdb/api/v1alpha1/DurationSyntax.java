package dev.tempdb.api.v1alpha1;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's duration syntax ({@link ApiConstants#DURATION_PATTERN}), e.g. {@code 1h30m}: one parser
 * for every field and setting that takes a duration, and one formatter for every caller that writes
 * a ttl or names a limit, so they all read alike.
 */
public final class DurationSyntax {
  private static final Pattern WHOLE = Pattern.compile("([0-9]{1,6}[hms])+");
  private static final Pattern PART = Pattern.compile("([0-9]{1,6})([hms])");

  private DurationSyntax() {}

  /**
   * Reads hours, minutes and seconds such as {@code 90s}, {@code 30m} or {@code 1h30m}; empty when
   * the text is not in that syntax (callers word the error for their field). Zero is a duration.
   */
  public static Optional<Duration> parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      return Optional.empty();
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long amount = Long.parseLong(m.group(1));
      total =
          switch (m.group(2)) {
            case "h" -> total.plusHours(amount);
            case "m" -> total.plusMinutes(amount);
            default -> total.plusSeconds(amount);
          };
    }
    return Optional.of(total);
  }

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
