package dev.tempdb.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventNameTest {
  /** RFC 1123 subdomain, as the API server checks an event's name. */
  private static final String SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  @ParameterizedTest
  @ValueSource(ints = {1, 60, 236, 237, 240, 252, 253})
  void eventNamesAreValidObjectNamesForEveryRequestNameLength(int length) {
    String name = "a".repeat(length - 1) + "z";
    for (long random : new long[] {0L, -1L, Long.MAX_VALUE, 0x1234L}) {
      String event = EventRecorder.eventName(name, random);
      assertThat(event.length()).isLessThanOrEqualTo(253);
      assertThat(event).matches(SUBDOMAIN);
      assertThat(event).startsWith(name.substring(0, Math.min(length, 200)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-", "."})
  void aCutNameNeverEndsInAHyphenOrDot(String separator) {
    String name = "b".repeat(235) + separator + "c".repeat(17);
    String event = EventRecorder.eventName(name, 42L);
    assertThat(event).hasSizeLessThanOrEqualTo(253).doesNotContain(separator + ".");
  }

  @ParameterizedTest
  @ValueSource(longs = {1L, 2L})
  void differentRandomsGiveDifferentNames(long random) {
    assertThat(EventRecorder.eventName("x", random))
        .isNotEqualTo(EventRecorder.eventName("x", random + 1));
  }
}
