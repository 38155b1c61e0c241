package dev.tempdb.core.engine.mysql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The mysql_native_password hash ({@code *} + hex SHA1(SHA1(password))), the same value MariaDB's
 * {@code PASSWORD()} returns. Sending the hash ({@code IDENTIFIED BY PASSWORD '*...'}) keeps the
 * plain password off the wire and out of the server's general log and binary log.
 */
final class NativePassword {
  private NativePassword() {}

  static String hash(String password) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] once = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
      byte[] twice = sha1.digest(once);
      return "*" + HexFormat.of().formatHex(twice).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JRE", e);
    }
  }
}
