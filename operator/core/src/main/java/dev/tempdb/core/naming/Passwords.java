package dev.tempdb.core.naming;

import java.security.SecureRandom;

/**
 * Generates passwords from {@link SecureRandom}. 32 characters of a 62-letter alphabet carry about
 * 190 bits; letters and digits only, so the password needs no escaping in a URI, a JDBC URL, a
 * shell or a SQL literal.
 */
public final class Passwords {
  static final int LENGTH = 32;
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  public static String generate() {
    char[] out = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
