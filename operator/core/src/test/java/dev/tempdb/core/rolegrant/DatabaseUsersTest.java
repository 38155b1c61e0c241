package dev.tempdb.core.rolegrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.KeyRef;
import dev.tempdb.api.v1alpha1.UserMapping;
import dev.tempdb.core.lease.InvalidRequestException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseUsersTest {

  @Test
  void theDefaultRuleIsTheLocalPartLowerCasedWithDashesAsUnderscores() {
    assertThat(DatabaseUsers.forRequester("Alice-Smith@corp.example", null, Map.of(), 63))
        .isEqualTo("alice_smith");
    assertThat(DatabaseUsers.forRequester("bob@corp.example", new UserMapping(), Map.of(), 63))
        .isEqualTo("bob");
  }

  @Test
  void theRuleCanKeepCaseUseTheWholeEmailReplaceAndAddAffixes() {
    UserMapping rule = new UserMapping();
    rule.setLowercase(false);
    rule.setReplace(List.of(new UserMapping.Replacement(".", "_")));
    rule.setPrefix("u_");
    rule.setSuffix("_ro");
    assertThat(DatabaseUsers.forRequester("Ann.Lee@corp.example", rule, Map.of(), 63))
        .isEqualTo("u_Ann_Lee_ro");

    UserMapping email = new UserMapping();
    email.setSource(UserMapping.Source.Email);
    email.setReplace(List.of());
    assertThat(DatabaseUsers.forRequester("Dev-Ops@corp.example", email, Map.of(), 63))
        .isEqualTo("dev-ops@corp.example");
  }

  @Test
  void theExplicitMapWinsAndIgnoresTheRequestersCase() {
    Map<String, String> map =
        DatabaseUsers.parseMap("alice@corp.example: asmith\nBob@Corp.example: rjones\n", "m");
    assertThat(DatabaseUsers.forRequester("ALICE@corp.example", null, map, 63)).isEqualTo("asmith");
    assertThat(DatabaseUsers.forRequester("bob@corp.example", null, map, 63)).isEqualTo("rjones");
    assertThat(DatabaseUsers.forRequester("carol@corp.example", null, map, 63)).isEqualTo("carol");
  }

  @Test
  void mappedOnlyRefusesRequestersTheMapDoesNotList() {
    UserMapping rule = new UserMapping();
    rule.setMapRef(new KeyRef("users", "map.yaml"));
    rule.setMappedOnly(true);
    assertThatThrownBy(
            () -> DatabaseUsers.forRequester("carol@corp.example", rule, Map.of("a@b", "a"), 63))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("spec.userMapping.mapRef")
        .hasMessageContaining("carol@corp.example: <database user>");
  }

  @Test
  void aNameOutsideTheAlphabetOrTooLongIsRefusedNamingTheMapping() {
    UserMapping rule = new UserMapping();
    rule.setReplace(List.of(new UserMapping.Replacement("a", "")));
    assertThatThrownBy(() -> DatabaseUsers.forRequester("aaa@corp.example", rule, Map.of(), 63))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("spec.userMapping: requester aaa@corp.example maps to ''");
    assertThatThrownBy(
            () ->
                DatabaseUsers.forRequester(
                    "a-very-long-local-part-for-mariadb@corp.example", null, Map.of(), 32))
        .hasMessageContaining("at most 32 characters");
  }

  @Test
  void aBrokenMapNamesTheFieldAndTheFix() {
    assertThatThrownBy(() -> DatabaseUsers.parseMap("- a\n- b\n", "users/map.yaml"))
        .hasMessage(
            "users/map.yaml must be a YAML mapping, one 'requester: database_user' per line");
    assertThatThrownBy(() -> DatabaseUsers.parseMap("a@b: \"x y\"\n", "users/map.yaml"))
        .hasMessageContaining("the user for a@b must be a database user name");
    assertThatThrownBy(() -> DatabaseUsers.parseMap("a@b: x\nA@B: y\n", "users/map.yaml"))
        .hasMessageContaining("A@B is listed twice");
    assertThatThrownBy(() -> DatabaseUsers.parseMap("a@b: [x\n", "users/map.yaml"))
        .hasMessageContaining("users/map.yaml is not valid YAML");
    assertThat(DatabaseUsers.parseMap("", "m")).isEmpty();
  }
}
