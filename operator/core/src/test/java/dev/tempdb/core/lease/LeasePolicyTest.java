package dev.tempdb.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.DurationSyntax;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeasePolicyTest {
  private static final Instant GRANTED = Instant.parse("2026-11-21T12:00:00Z");
  private final LeasePolicy policy = new LeasePolicy("1h", "8h");

  @Test
  void noTtlMeansTheTargetDefault() {
    assertThat(policy.leaseFor(GRANTED, null, null).expiresAt())
        .isEqualTo(Instant.parse("2026-11-21T13:00:00Z"));
  }

  @Test
  void ttlCountsFromTheGrant() {
    assertThat(policy.leaseFor(GRANTED, "1h30m", null).expiresAt())
        .isEqualTo(Instant.parse("2026-11-21T13:30:00Z"));
  }

  @Test
  void expiresAtIsTakenAsIs() {
    assertThat(policy.leaseFor(GRANTED, null, "2026-11-21T14:00:00+01:00").expiresAt())
        .isEqualTo(Instant.parse("2026-11-21T13:00:00Z"));
  }

  @Test
  void ttlAboveMaxIsRefusedWithTheFieldAndTheLimit() {
    assertThatThrownBy(() -> policy.leaseFor(GRANTED, "9h", null))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("spec.ttl"))
        .hasMessageContaining("maxTtl (8h)")
        .hasMessageContaining("at most 8h");
  }

  @Test
  void expiresAtBeyondMaxOrInThePastIsRefused() {
    assertThatThrownBy(() -> policy.leaseFor(GRANTED, null, "2026-11-21T20:00:01Z"))
        .hasMessageStartingWith("spec.expiresAt:")
        .hasMessageContaining("maxTtl");
    assertThatThrownBy(() -> policy.leaseFor(GRANTED, null, "2026-11-21T11:00:00Z"))
        .hasMessageContaining("not after the grant time");
    assertThatThrownBy(() -> policy.leaseFor(GRANTED, null, "tomorrow"))
        .hasMessageContaining("RFC 3339");
  }

  @Test
  void bothTtlAndExpiresAtIsRefused() {
    assertThatThrownBy(() -> policy.leaseFor(GRANTED, "1h", "2026-11-21T13:00:00Z"))
        .isInstanceOf(InvalidRequestException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1d", "10", "h", "0s", "-1h", "1.5h"})
  void rejectsDurationsOutsideTheApiSyntax(String ttl) {
    assertThatThrownBy(() -> Durations.parse(ttl, "spec.ttl"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("spec.ttl:");
  }

  @Test
  void parsesAndFormatsCompoundDurations() {
    assertThat(Durations.parse("1h30m15s", "f")).isEqualTo(Duration.ofSeconds(5415));
    assertThat(DurationSyntax.format(Duration.ofSeconds(5415))).isEqualTo("1h30m15s");
    assertThat(DurationSyntax.format(Duration.ofHours(8))).isEqualTo("8h");
  }
}
