package dev.tempdb.api.v1alpha1;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for {@code spec.requester}, shared by the CRD (through {@link
 * ApiConstants#REQUESTER_PATTERN}), the operator and the Sym bridge, so that what one accepts the
 * others accept too. API servers enforce the pattern; the operator checks again because an older or
 * mock API server may not, and a requester string reaches user names, AWS tags, IAM conditions and
 * logs.
 */
public final class Requesters {
  /** What a requester may hold, in words, for messages. */
  public static final String ALLOWED =
      "letters and digits of any script and . _ + - @, starting with a letter or digit, at most "
          + ApiConstants.REQUESTER_MAX_LENGTH
          + " characters (no spaces, quotes, backslashes, control or invisible characters, %, *"
          + " or ?)";

  private static final Pattern RULE = Pattern.compile(ApiConstants.REQUESTER_PATTERN);

  private Requesters() {}

  /**
   * What is wrong with a requester, as a phrase to follow the field's name (e.g. "spec.requester is
   * missing; ..."), or empty when it may be used. The phrase never repeats an invisible or control
   * character: it names it by code point.
   */
  public static Optional<String> problem(String requester) {
    if (requester == null || requester.isEmpty()) {
      return Optional.of("is missing; set it to who the access is for, e.g. an email");
    }
    int length = requester.codePointCount(0, requester.length());
    if (length > ApiConstants.REQUESTER_MAX_LENGTH) {
      return Optional.of("is " + length + " characters long; it may hold " + ALLOWED);
    }
    if (RULE.matcher(requester).matches()) {
      return Optional.empty();
    }
    int position = 0;
    for (int i = 0; i < requester.length(); position++) {
      int cp = requester.codePointAt(i);
      if (!(isLetterOrDigit(cp) || (position > 0 && isFollowing(cp)))) {
        return Optional.of(
            "holds "
                + describe(cp)
                + " at position "
                + (position + 1)
                + "; it may hold "
                + ALLOWED);
      }
      i += Character.charCount(cp);
    }
    // The rule and the loop agree on every code point; this is only reached if they drift apart.
    return Optional.of("is not allowed; it may hold " + ALLOWED);
  }

  private static boolean isLetterOrDigit(int cp) {
    return Character.isLetter(cp) || Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER;
  }

  private static boolean isFollowing(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK
        || "._+@-".indexOf(cp) >= 0;
  }

  /** A refused character, quoted only when it is visible. */
  private static String describe(int cp) {
    String code = String.format(Locale.ROOT, "U+%04X", cp);
    int type = Character.getType(cp);
    boolean invisible =
        Character.isWhitespace(cp)
            || Character.isSpaceChar(cp)
            || type == Character.CONTROL
            || type == Character.FORMAT
            || type == Character.PRIVATE_USE
            || type == Character.SURROGATE
            || type == Character.UNASSIGNED;
    return invisible
        ? code + " (a space, control or invisible character)"
        : "'" + new String(Character.toChars(cp)) + "' (" + code + ")";
  }
}
