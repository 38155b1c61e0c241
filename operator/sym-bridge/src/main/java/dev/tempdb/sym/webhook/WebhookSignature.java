package dev.tempdb.sym.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook's request signature: {@code X-Tempdb-Signature: v1=<hex HMAC-SHA256>} over {@code
 * v1:<timestamp>:<raw body>}, with the Unix-seconds timestamp sent in {@code X-Tempdb-Timestamp}.
 * The timestamp is inside the signed bytes, so an old request cannot be replayed under a new one.
 */
public final class WebhookSignature {
  public static final String SIGNATURE_HEADER = "X-Tempdb-Signature";
  public static final String TIMESTAMP_HEADER = "X-Tempdb-Timestamp";
  private static final String VERSION = "v1";

  /** Why a request was or was not accepted; only {@link #VALID} lets it through. */
  public enum Verdict {
    VALID("valid"),
    MISSING("the request is not signed: send " + TIMESTAMP_HEADER + " and " + SIGNATURE_HEADER),
    MALFORMED(
        TIMESTAMP_HEADER + " must be Unix seconds and " + SIGNATURE_HEADER + " must be v1=<hex>"),
    STALE("the request's timestamp is outside the accepted window; check the sender's clock"),
    MISMATCH("the signature does not match; check the shared secret");

    private final String explanation;

    Verdict(String explanation) {
      this.explanation = explanation;
    }

    public String explanation() {
      return explanation;
    }
  }

  private WebhookSignature() {}

  /** The header value for a body, as a sender computes it. */
  public static String sign(byte[] key, long timestamp, byte[] body) {
    return VERSION + "=" + HexFormat.of().formatHex(mac(key, timestamp, body));
  }

  /**
   * The outcome of {@link #check}: the verdict and, only when {@link Verdict#VALID}, the MAC the
   * request carried. The MAC is the replay guard's key: the header's text is not, because many
   * texts (hex in either case, spacing, a timestamp written {@code +1790000000} or {@code
   * 01790000000}) carry the same MAC, and every one of them verifies.
   */
  public static final class Check {
    private final Verdict verdict;
    private final byte[] mac;

    private Check(Verdict verdict, byte[] mac) {
      this.verdict = verdict;
      this.mac = mac;
    }

    public Verdict verdict() {
      return verdict;
    }

    /** The verified MAC bytes; empty unless the verdict is VALID. */
    public byte[] mac() {
      return mac.clone();
    }
  }

  /**
   * @param keys the accepted keys (the current one and, while rotating, the previous one)
   * @param window how far the timestamp may be from now, either way
   */
  public static Verdict verify(
      List<byte[]> keys,
      String timestampHeader,
      String signatureHeader,
      byte[] body,
      Instant now,
      Duration window) {
    return check(keys, timestampHeader, signatureHeader, body, now, window).verdict();
  }

  /** As {@link #verify}, also giving the verified MAC for the replay guard. */
  public static Check check(
      List<byte[]> keys,
      String timestampHeader,
      String signatureHeader,
      byte[] body,
      Instant now,
      Duration window) {
    if (timestampHeader == null || signatureHeader == null) {
      return refused(Verdict.MISSING);
    }
    long timestamp;
    byte[] presented;
    try {
      timestamp = Long.parseLong(timestampHeader.trim());
      String signature = signatureHeader.trim();
      if (!signature.startsWith(VERSION + "=")) {
        return refused(Verdict.MALFORMED);
      }
      presented = HexFormat.of().parseHex(signature.substring(VERSION.length() + 1));
    } catch (IllegalArgumentException e) {
      return refused(Verdict.MALFORMED);
    }
    if (Math.abs(now.getEpochSecond() - timestamp) > window.toSeconds()) {
      return refused(Verdict.STALE);
    }
    boolean matches = false;
    for (byte[] key : keys) {
      // Every key is checked, and MessageDigest.isEqual takes the same time wherever the bytes
      // differ, so timing reveals neither the signature nor which key matched.
      matches |= MessageDigest.isEqual(mac(key, timestamp, body), presented);
    }
    // When it matches, the presented bytes are exactly one key's MAC, whatever text carried them.
    return matches ? new Check(Verdict.VALID, presented) : refused(Verdict.MISMATCH);
  }

  private static Check refused(Verdict verdict) {
    return new Check(verdict, new byte[0]);
  }

  private static byte[] mac(byte[] key, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((VERSION + ":" + timestamp + ":").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
