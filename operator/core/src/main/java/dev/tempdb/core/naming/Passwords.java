package dev.tempdb.core.naming;

import java.security.SecureRandom;

/**
 * Generates passwords from {@link SecureRandom}: 32 characters of a 64-letter alphabet, about 190
 * bits. Each password holds an upper and a lower case letter, a digit and one of {@code -_}, so it
 * passes the usual server-side password policies (MySQL's validate_password at MEDIUM and STRONG,
 * MariaDB's simple_password_check) without configuration. The two symbols are unreserved in URIs
 * and plain in SQL literals and shells, so the password needs no escaping anywhere.
 */
public final class Passwords {
  static final int LENGTH = 32;
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  public static String generate() {
    // Rejection sampling keeps every valid password equally likely; about 1.6 draws on average.
    while (true) {
      char[] out = new char[LENGTH];
      for (int i = 0; i < LENGTH; i++) {
        out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
      }
      String candidate = new String(out);
      if (hasEveryClass(candidate)) {
        return candidate;
      }
    }
  }

  static boolean hasEveryClass(String password) {
    return password.chars().anyMatch(Character::isUpperCase)
        && password.chars().anyMatch(Character::isLowerCase)
        && password.chars().anyMatch(Character::isDigit)
        && password.chars().anyMatch(ch -> ch == '-' || ch == '_');
  }
}
