package dev.tempdb.core.lease;

import dev.tempdb.api.v1alpha1.DurationSyntax;
import java.time.Duration;

/** Parses the API's duration strings ({@code 90s}, {@code 30m}, {@code 1h30m}). */
public final class Durations {
  private Durations() {}

  /**
   * @param field the API field the value came from, named in the error
   * @throws InvalidRequestException when the value is not a positive duration
   */
  public static Duration parse(String value, String field) {
    Duration total =
        DurationSyntax.parse(value)
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        field,
                        "'"
                            + value
                            + "' is not a duration; use hours, minutes and seconds such as 30m, 2h"
                            + " or 1h30m"));
    if (total.isZero()) {
      throw new InvalidRequestException(field, "must be longer than zero, e.g. 30m or 1h");
    }
    return total;
  }
}
