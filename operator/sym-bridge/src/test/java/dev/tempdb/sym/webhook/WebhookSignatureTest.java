package dev.tempdb.sym.webhook;

import static dev.tempdb.sym.webhook.WebhookSignature.Verdict.MALFORMED;
import static dev.tempdb.sym.webhook.WebhookSignature.Verdict.MISMATCH;
import static dev.tempdb.sym.webhook.WebhookSignature.Verdict.MISSING;
import static dev.tempdb.sym.webhook.WebhookSignature.Verdict.STALE;
import static dev.tempdb.sym.webhook.WebhookSignature.Verdict.VALID;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final byte[] KEY = "k".repeat(32).getBytes(StandardCharsets.UTF_8);
  private static final byte[] OLD_KEY = "o".repeat(32).getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY =
      "{\"event\":{\"type\":\"escalate\"}}".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.ofEpochSecond(1_790_000_000L);
  private static final Duration WINDOW = Duration.ofMinutes(5);

  private static WebhookSignature.Verdict verify(
      List<byte[]> keys, long ts, String signature, byte[] body) {
    return WebhookSignature.verify(keys, Long.toString(ts), signature, body, NOW, WINDOW);
  }

  @Test
  void theSignatureIsHmacSha256OverVersionTimestampAndBody() {
    // Computed independently with Python:
    // hmac.new(b"k" * 32, b'v1:1790000000:{"event":{"type":"escalate"}}', sha256).hexdigest()
    assertThat(WebhookSignature.sign(KEY, NOW.getEpochSecond(), BODY))
        .isEqualTo("v1=c0916906a94f5c338e6aaffb1c770dd6c4e3a17b3a599716a89512d00d2d2bd5");
  }

  @Test
  void aFreshCorrectSignatureIsValidWithTheCurrentOrThePreviousKey() {
    long ts = NOW.getEpochSecond();
    assertThat(verify(List.of(KEY, OLD_KEY), ts, WebhookSignature.sign(KEY, ts, BODY), BODY))
        .isEqualTo(VALID);
    assertThat(verify(List.of(KEY, OLD_KEY), ts, WebhookSignature.sign(OLD_KEY, ts, BODY), BODY))
        .isEqualTo(VALID);
    assertThat(verify(List.of(KEY), ts, WebhookSignature.sign(OLD_KEY, ts, BODY), BODY))
        .isEqualTo(MISMATCH);
  }

  @Test
  void anyChangeToBodyOrTimestampBreaksTheSignature() {
    long ts = NOW.getEpochSecond();
    String signature = WebhookSignature.sign(KEY, ts, BODY);
    byte[] altered = BODY.clone();
    altered[5] ^= 1;

    assertThat(verify(List.of(KEY), ts, signature, altered)).isEqualTo(MISMATCH);
    assertThat(verify(List.of(KEY), ts + 1, signature, BODY)).isEqualTo(MISMATCH);
  }

  @Test
  void timestampsOutsideTheWindowEitherWayAreStale() {
    for (long ts : new long[] {NOW.getEpochSecond() - 301, NOW.getEpochSecond() + 301}) {
      assertThat(verify(List.of(KEY), ts, WebhookSignature.sign(KEY, ts, BODY), BODY))
          .isEqualTo(STALE);
    }
    long edge = NOW.getEpochSecond() - 300;
    assertThat(verify(List.of(KEY), edge, WebhookSignature.sign(KEY, edge, BODY), BODY))
        .isEqualTo(VALID);
  }

  @Test
  void missingAndMalformedHeadersAreToldApart() {
    assertThat(WebhookSignature.verify(List.of(KEY), null, "v1=00", BODY, NOW, WINDOW))
        .isEqualTo(MISSING);
    assertThat(WebhookSignature.verify(List.of(KEY), "1", null, BODY, NOW, WINDOW))
        .isEqualTo(MISSING);
    assertThat(WebhookSignature.verify(List.of(KEY), "yesterday", "v1=00", BODY, NOW, WINDOW))
        .isEqualTo(MALFORMED);
    assertThat(verify(List.of(KEY), NOW.getEpochSecond(), "sha256=00", BODY)).isEqualTo(MALFORMED);
    assertThat(verify(List.of(KEY), NOW.getEpochSecond(), "v1=not-hex", BODY)).isEqualTo(MALFORMED);
  }

  @Test
  void everySpellingOfOneSignatureGivesTheSameMacForTheReplayGuard() {
    long ts = NOW.getEpochSecond();
    String signature = WebhookSignature.sign(KEY, ts, BODY);
    byte[] mac = HexFormat.of().parseHex(signature.substring(3));
    List<String[]> spellings =
        List.of(
            new String[] {Long.toString(ts), signature},
            new String[] {
              Long.toString(ts), "v1=" + signature.substring(3).toUpperCase(Locale.ROOT)
            },
            new String[] {" +" + ts + " ", "\t" + signature + "  "},
            new String[] {"000" + ts, signature});
    for (String[] spelling : spellings) {
      WebhookSignature.Check check =
          WebhookSignature.check(List.of(KEY), spelling[0], spelling[1], BODY, NOW, WINDOW);
      assertThat(check.verdict()).as(String.join(" / ", spelling)).isEqualTo(VALID);
      assertThat(check.mac()).isEqualTo(mac);
    }
    assertThat(
            WebhookSignature.check(List.of(OLD_KEY), "" + ts, signature, BODY, NOW, WINDOW).mac())
        .isEmpty();
  }

  @Test
  void theReplayGuardRefusesAMacSeenWithinTwoWindowsAndForgetsItAfter() {
    ReplayGuard guard = new ReplayGuard(WINDOW);
    byte[] mac = HexFormat.of().parseHex(WebhookSignature.sign(KEY, 1, BODY).substring(3));

    assertThat(guard.firstTime(mac, NOW)).isTrue();
    assertThat(guard.firstTime(mac.clone(), NOW.plus(WINDOW))).isFalse();
    assertThat(guard.firstTime(mac, NOW.plus(WINDOW).plus(WINDOW).plusSeconds(1))).isTrue();
  }
}
