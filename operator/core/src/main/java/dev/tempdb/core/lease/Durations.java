package dev.tempdb.core.lease;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the API's duration strings ({@code 90s}, {@code 30m}, {@code 1h30m}). */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("([0-9]{1,6}[hms])+");
  private static final Pattern PART = Pattern.compile("([0-9]{1,6})([hms])");

  private Durations() {}

  /**
   * @param field the API field the value came from, named in the error
   * @throws InvalidRequestException when the value is not a positive duration
   */
  public static Duration parse(String value, String field) {
    if (value == null || !WHOLE.matcher(value).matches()) {
      throw new InvalidRequestException(
          field,
          "'"
              + value
              + "' is not a duration; use hours, minutes and seconds such as 30m, 2h or 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(value);
    while (m.find()) {
      long amount = Long.parseLong(m.group(1));
      total =
          switch (m.group(2)) {
            case "h" -> total.plusHours(amount);
            case "m" -> total.plusMinutes(amount);
            default -> total.plusSeconds(amount);
          };
    }
    if (total.isZero()) {
      throw new InvalidRequestException(field, "must be longer than zero, e.g. 30m or 1h");
    }
    return total;
  }
}
