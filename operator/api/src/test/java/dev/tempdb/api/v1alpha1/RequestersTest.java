package dev.tempdb.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestersTest {
  @ParameterizedTest
  @ValueSource(strings = {"zoë+ops@acme.example", "日本語@acme.example", "dänä.lée@acme.example"})
  void unicodeLettersAreAccepted(String requester) {
    assertThat(Requesters.problem(requester)).isEmpty();
  }

  @Test
  void anInvisibleCharacterIsNamedByCodePointNeverEchoed() {
    assertThat(Requesters.problem("dana\u202e@acme.example"))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .startsWith("holds U+202E (a space, control or invisible character)")
                    .contains("at position 5")
                    .doesNotContain("\u202e"));
  }

  @Test
  void aVisibleRefusedCharacterIsQuotedWithItsPositionInCodePoints() {
    // The emoji before it is two UTF-16 units but one character.
    assertThat(Requesters.problem("日\ud83d\ude00*"))
        .hasValueSatisfying(
            p -> assertThat(p).startsWith("holds '\ud83d\ude00' (U+1F600) at position 2"));
    assertThat(Requesters.problem("dana*@x"))
        .hasValueSatisfying(p -> assertThat(p).startsWith("holds '*' (U+002A) at position 5"));
  }

  @Test
  void aCharacterAllowedOnlyAfterTheFirstIsRefusedFirst() {
    assertThat(Requesters.problem(".dana"))
        .hasValueSatisfying(p -> assertThat(p).startsWith("holds '.' (U+002E) at position 1"));
  }

  @Test
  void lengthCountsCharactersNotUtf16Units() {
    String astral = new String(Character.toChars(0x20000)); // a CJK letter outside the BMP
    assertThat(Requesters.problem(astral.repeat(ApiConstants.REQUESTER_MAX_LENGTH))).isEmpty();
    assertThat(Requesters.problem(astral.repeat(ApiConstants.REQUESTER_MAX_LENGTH + 1)))
        .hasValueSatisfying(p -> assertThat(p).startsWith("is 255 characters long"));
  }

  @Test
  void missingAndEmptySayWhatToSet() {
    assertThat(Requesters.problem(null)).hasValue(Requesters.problem("").orElseThrow());
    assertThat(Requesters.problem(null)).hasValueSatisfying(p -> assertThat(p).contains("set it"));
  }
}
