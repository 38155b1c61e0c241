package dev.tempdb.sym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tempdb.api.v1alpha1.DurationSyntax;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SymDurationsTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @ParameterizedTest
  @CsvSource({
    "30m, 1800",
    "1h, 3600",
    "1d, 86400",
    "1h30m, 5400",
    "1d12h, 129600",
    "90s, 90",
    "2H, 7200",
    "1800, 1800",
    "PT45M, 2700",
    "P1D, 86400"
  })
  void stringsAreUnitsSecondsOrIso(String text, long seconds) {
    assertThat(SymDurations.parse(NODES.textNode(text))).contains(Duration.ofSeconds(seconds));
  }

  @Test
  void numbersAreSeconds() {
    assertThat(SymDurations.parse(NODES.numberNode(1800))).contains(Duration.ofMinutes(30));
    assertThat(SymDurations.parse(NODES.numberNode(1800.0))).contains(Duration.ofMinutes(30));
  }

  @ParameterizedTest
  @CsvSource({"1 week", "30 minutes", "1.5h", "-5m", "m", "1h30", "abc"})
  void nonsenseIsRefusedWithTheFieldAndTheFix(String text) {
    assertThatThrownBy(() -> SymDurations.parse(NODES.textNode(text)))
        .isInstanceOf(SymRequestException.class)
        .hasMessageContaining("fields.duration")
        .hasMessageContaining("use seconds (1800) or a string such as 30m, 1h or 1d");
  }

  @Test
  void zeroNegativeFractionalAndNonScalarValuesAreRefused() {
    for (JsonNode bad :
        new JsonNode[] {
          NODES.numberNode(0),
          NODES.numberNode(-60),
          NODES.numberNode(90.5),
          NODES.textNode("0m"),
          NODES.booleanNode(true),
          NODES.objectNode()
        }) {
      assertThatThrownBy(() -> SymDurations.parse(bad))
          .as("%s", bad)
          .isInstanceOf(SymRequestException.class)
          .hasMessageContaining("fields.duration");
    }
  }

  @Test
  void absurdlyLongDurationsAreRefused() {
    assertThatThrownBy(() -> SymDurations.parse(NODES.textNode("99999999d")))
        .hasMessageContaining("longer than any grant can last");
  }

  @ParameterizedTest
  @CsvSource({
    "1800, 30m",
    "3600, 1h",
    "5400, 1h30m",
    "86400, 24h",
    "90, 1m30s",
    "45, 45s",
    "3601, 1h1s"
  })
  void ttlsAreWrittenInTheOperatorsSyntax(long seconds, String ttl) {
    assertThat(DurationSyntax.format(Duration.ofSeconds(seconds))).isEqualTo(ttl);
    assertThat(ttl).matches(dev.tempdb.api.v1alpha1.ApiConstants.DURATION_PATTERN);
  }
}
