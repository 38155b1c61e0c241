package dev.tempdb.core.naming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PasswordsTest {
  @Test
  void areLongUnreservedAndDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String p = Passwords.generate();
      assertThat(p).hasSize(32).matches("[A-Za-z0-9_-]+");
      assertThat(seen.add(p)).isTrue();
    }
  }

  @Test
  void alwaysSatisfyCommonServerPasswordPolicies() {
    // MySQL validate_password MEDIUM/STRONG and MariaDB simple_password_check want mixed case, a
    // digit and a special character; a password missing one would fail a grant at random.
    for (int i = 0; i < 5000; i++) {
      String p = Passwords.generate();
      assertThat(p).containsPattern("[A-Z]").containsPattern("[a-z]").containsPattern("[0-9]");
      assertThat(p).containsPattern("[_-]");
    }
  }

  @Test
  void useTheWholeAlphabet() {
    Set<Character> chars = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Passwords.generate().chars().forEach(c -> chars.add((char) c));
    }
    assertThat(chars).hasSize(64);
  }

  @Test
  void classCheckRejectsAPasswordWithoutASymbol() {
    assertThat(Passwords.hasEveryClass("Abc123def")).isFalse();
    assertThat(Passwords.hasEveryClass("Abc123_def")).isTrue();
  }
}
