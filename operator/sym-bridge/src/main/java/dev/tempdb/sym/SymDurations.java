package dev.tempdb.sym;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Sym's {@code fields.duration}, whose unit Sym does not document: an integer is seconds, a
 * string may be seconds ({@code "1800"}), units ({@code 30m}, {@code 1h}, {@code 1d}, {@code
 * 1h30m}) or ISO-8601 ({@code PT30M}).
 */
public final class SymDurations {
  private static final Pattern UNITS =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?", Pattern.CASE_INSENSITIVE);

  /** The ttl syntax allows six digits per unit. */
  private static final long MAX_HOURS = 999_999;

  private static final String HOW = "use seconds (1800) or a string such as 30m, 1h or 1d";

  private SymDurations() {}

  /**
   * @return empty when the field is absent or null (the target's default applies)
   * @throws SymRequestException naming the field when the value is not a positive duration
   */
  public static Optional<Duration> parse(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return Optional.empty();
    }
    Duration duration;
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      duration = Duration.ofSeconds(node.asLong());
    } else if (node.isNumber()
        && node.decimalValue().stripTrailingZeros().scale() <= 0
        && node.canConvertToLong()) {
      duration = Duration.ofSeconds(node.longValue()); // 1800.0 from a float-typed field
    } else if (node.isTextual()) {
      duration = parseText(node.asText().trim());
    } else {
      throw invalid(node.toString());
    }
    if (duration.isNegative() || duration.isZero()) {
      throw SymRequestException.invalid(
          "fields.duration " + node + " must be longer than zero; " + HOW + ".");
    }
    if (duration.toHours() > MAX_HOURS) {
      throw SymRequestException.invalid(
          "fields.duration " + node + " is longer than any grant can last; " + HOW + ".");
    }
    return Optional.of(duration);
  }

  private static Duration parseText(String text) {
    if (text.isEmpty()) {
      throw invalid("\"\"");
    }
    if (text.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(text));
      } catch (NumberFormatException e) {
        throw invalid("\"" + text + "\"");
      }
    }
    if (text.startsWith("P") || text.startsWith("p")) {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw invalid("\"" + text + "\"");
      }
    }
    Matcher m = UNITS.matcher(text);
    if (!m.matches()) {
      throw invalid("\"" + text + "\"");
    }
    try {
      return Duration.ofDays(part(m, 1))
          .plusHours(part(m, 2))
          .plusMinutes(part(m, 3))
          .plusSeconds(part(m, 4));
    } catch (ArithmeticException | NumberFormatException e) {
      throw invalid("\"" + text + "\"");
    }
  }

  private static long part(Matcher m, int group) {
    return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
  }

  private static SymRequestException invalid(String shown) {
    return SymRequestException.invalid(
        "fields.duration " + abbreviate(shown) + " is not a duration; " + HOW + ".");
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
