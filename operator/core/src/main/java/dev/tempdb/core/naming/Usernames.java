package dev.tempdb.core.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Deterministic database user names: {@code <prefix><requester>_<hash>}, e.g. {@code
 * tdb_dana_lee_k7m2q4xa}. The requester part keeps the user recognisable in the database's own
 * views and logs; the hash of the resource uid makes it unique per request and lets a restarted
 * operator find the user it may have created before a crash. The alphabet is {@code [a-z0-9_]},
 * safe in every engine even before quoting.
 */
public final class Usernames {
  static final int HASH_LENGTH = 8;
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private Usernames() {}

  /**
   * @param prefix the managed prefix, already in the safe alphabet (validated by the CRD)
   * @param requester usually an email; only its local part is used
   * @param uid the resource's metadata.uid
   * @param maxLength the engine's limit (PostgreSQL 63, MySQL/MariaDB 32)
   */
  public static String forGrant(String prefix, String requester, String uid, int maxLength) {
    String hash = hash(uid);
    int room = maxLength - prefix.length() - 1 - HASH_LENGTH;
    if (room < 1) {
      throw new IllegalArgumentException("prefix '" + prefix + "' leaves no room for a name");
    }
    String who = sanitise(requester);
    if (who.length() > room) {
      who = trimUnderscores(who.substring(0, room));
    }
    return prefix + (who.isEmpty() ? "user" : who) + "_" + hash;
  }

  /**
   * True for a name {@link #forGrant} could have produced with this prefix. Where an engine cannot
   * label a user (MariaDB), this shape and the reserved prefix are what mark it as ours.
   */
  public static boolean hasGeneratedShape(String prefix, String name) {
    return name.startsWith(prefix)
        && name.substring(prefix.length())
            .matches("[a-z0-9_]*[a-z0-9]_[a-z2-7]{" + HASH_LENGTH + "}");
  }

  /** The local part of an email (or the whole identity), lower case, in [a-z0-9_]. */
  static String sanitise(String requester) {
    String local = requester;
    int at = local.indexOf('@');
    if (at > 0) {
      local = local.substring(0, at);
    }
    String safe =
        local.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("_+", "_");
    return trimUnderscores(safe);
  }

  private static String trimUnderscores(String s) {
    return s.replaceAll("^_+|_+$", "");
  }

  private static String hash(String uid) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(uid.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
    StringBuilder out = new StringBuilder(HASH_LENGTH);
    for (int i = 0; i < HASH_LENGTH; i++) {
      out.append(BASE32[(digest[i] & 0xff) % 32]);
    }
    return out.toString();
  }
}
