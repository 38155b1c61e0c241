package dev.tempdb.core.naming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsernamesTest {
  private static final String UID = "5b0c2a3e-8d1b-4c7e-9a55-0b7e3f6d1c20";

  @Test
  void keepsTheRequesterRecognisable() {
    String name = Usernames.forGrant("tdb_", "dana.lee@acme-corp.example", UID, 63);
    assertThat(name).matches("tdb_dana_lee_[a-z2-7]{8}");
  }

  @Test
  void isDeterministicPerResourceAndDiffersBetweenResources() {
    String a = Usernames.forGrant("tdb_", "dana@x.example", UID, 63);
    assertThat(Usernames.forGrant("tdb_", "dana@x.example", UID, 63)).isEqualTo(a);
    assertThat(Usernames.forGrant("tdb_", "dana@x.example", UID.replace('5', '6'), 63))
        .isNotEqualTo(a);
  }

  @ParameterizedTest
  @CsvSource({
    "63, a.very.long.local.part.that.goes.on.and.on.and.on.and.on.forever@example.com",
    "32, christopher.alexander-montgomery@example.com",
    "32, x@example.com",
    "16, abcdefghijklmnopqrstuvwxyz@example.com"
  })
  void alwaysFitsTheEngineLimitAndTheSafeAlphabet(int limit, String requester) {
    String name = Usernames.forGrant("tdb_", requester, UID, limit);
    assertThat(name.length()).isLessThanOrEqualTo(limit);
    assertThat(name).matches("tdb_[a-z0-9]([a-z0-9_]*[a-z0-9])?_[a-z2-7]{8}");
  }

  @Test
  void truncatesTheRequesterNotTheHash() {
    String name = Usernames.forGrant("tdb_", "christopher.alexander@example.com", UID, 32);
    assertThat(name).hasSize(32).startsWith("tdb_christopher_al");
    assertThat(name.substring(name.length() - 9)).matches("_[a-z2-7]{8}");
  }

  @ParameterizedTest
  @CsvSource({
    "Dana.Lee@Example.com, dana_lee",
    "o'brien+db@x.example, o_brien_db",
    "--weird--@x.example, weird",
    "svc-account, svc_account",
    "%%%@x.example, ''"
  })
  void sanitisesToTheSafeAlphabet(String requester, String expected) {
    assertThat(Usernames.sanitise(requester)).isEqualTo(expected == null ? "" : expected);
  }

  @Test
  void aRequesterWithNoUsableCharactersStillGetsAName() {
    assertThat(Usernames.forGrant("tdb_", "%%%@x.example", UID, 63))
        .matches("tdb_user_[a-z2-7]{8}");
  }

  @Test
  void generatedNamesHaveTheShapeTheSweepLooksFor() {
    for (String requester : List.of("dana@x.example", "abcdefghijklmnopqrstuvwxyz@x", "%%%")) {
      assertThat(
              Usernames.hasGeneratedShape("tdb_", Usernames.forGrant("tdb_", requester, UID, 32)))
          .isTrue();
    }
    assertThat(Usernames.hasGeneratedShape("tdb_", "tdb_dba_by_hand")).isFalse();
    assertThat(Usernames.hasGeneratedShape("tdb_", "app_dana_abcdefgh")).isFalse();
    assertThat(Usernames.hasGeneratedShape("tdb_", "tdb_dana_ABCDEFGH")).isFalse();
  }
}
