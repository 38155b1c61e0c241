package dev.tempdb.sym.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses a signed request seen before within the replay window, so a captured de-escalate or
 * escalate cannot be sent again while its timestamp is still fresh (after that the timestamp check
 * refuses it). Held in memory: each webhook replica guards its own traffic.
 */
final class ReplayGuard {
  private final Duration window;
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();

  ReplayGuard(Duration window) {
    this.window = window;
  }

  /** Records the signature; false when it was already recorded and has not aged out. */
  boolean firstTime(String signature, Instant now) {
    forgetOlderThan(now);
    // The timestamp may be up to one window in the future, so remember for two.
    return seen.putIfAbsent(signature, now.plus(window).plus(window)) == null;
  }

  private void forgetOlderThan(Instant now) {
    for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
      if (it.next().isBefore(now)) {
        it.remove();
      }
    }
  }
}
