package dev.tempdb.sym.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses a signed request seen before within the replay window, so a captured de-escalate or
 * escalate cannot be sent again while its timestamp is still fresh (after that the timestamp check
 * refuses it). Held in memory: each webhook replica guards its own traffic.
 *
 * <p>It is keyed on the verified MAC bytes, never on header text: the same MAC can be written in
 * many ways that all verify (hex in upper or lower case, with spaces around it), and each would
 * otherwise count as a first time.
 */
final class ReplayGuard {
  private final Duration window;
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();

  ReplayGuard(Duration window) {
    this.window = window;
  }

  /**
   * Records a verified MAC ({@link WebhookSignature.Check#mac()}); false when it was already
   * recorded and has not aged out.
   */
  boolean firstTime(byte[] mac, Instant now) {
    if (mac.length == 0) {
      throw new IllegalArgumentException("Only a verified MAC can be recorded (got none)");
    }
    forgetOlderThan(now);
    // The timestamp may be up to one window in the future, so remember for two.
    return seen.putIfAbsent(HexFormat.of().formatHex(mac), now.plus(window).plus(window)) == null;
  }

  private void forgetOlderThan(Instant now) {
    for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
      if (it.next().isBefore(now)) {
        it.remove();
      }
    }
  }
}
