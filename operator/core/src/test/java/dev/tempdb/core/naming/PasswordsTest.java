package dev.tempdb.core.naming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PasswordsTest {
  @Test
  void areLongAlphanumericAndDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String p = Passwords.generate();
      assertThat(p).hasSize(32).matches("[A-Za-z0-9]+");
      assertThat(seen.add(p)).isTrue();
    }
  }

  @Test
  void useTheWholeAlphabet() {
    Set<Character> chars = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Passwords.generate().chars().forEach(c -> chars.add((char) c));
    }
    assertThat(chars).hasSize(62);
  }
}
