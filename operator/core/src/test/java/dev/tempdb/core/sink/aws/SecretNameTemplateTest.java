package dev.tempdb.core.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.SinkException;
import org.junit.jupiter.api.Test;

class SecretNameTemplateTest {
  private static final String UID = "6f1c2d3e-0000-4000-8000-00000000abcd";

  private static GrantOwner owner(String requester, String requestId) {
    return new GrantOwner(
        "tempdb.dev/v1alpha1",
        "TemporaryDbAccess",
        "team-a",
        "dana-readonly",
        UID,
        requester,
        requestId);
  }

  @Test
  void theDefaultIsOneSecretPerRequestUnderACommonPrefixWithRequesterAndRequestId() {
    SecretNameTemplate names = SecretNameTemplate.parse(SecretNameTemplate.DEFAULT);

    assertThat(names.render(owner("dana.lee@acme-corp.example", "9b2e6c1d-3f4a")))
        .isEqualTo("tempdb/dana.lee@acme-corp.example/9b2e6c1d-3f4a");
    assertThat(names.prefix()).isEqualTo("tempdb/");
  }

  @Test
  void theUidStandsInForAMissingRequestId() {
    assertThat(SecretNameTemplate.parse(SecretNameTemplate.DEFAULT).render(owner("dana", null)))
        .isEqualTo("tempdb/dana/" + UID);
  }

  @Test
  void charactersAwsRefusesAndSlashesInValuesBecomeUnderscores() {
    SecretNameTemplate names = SecretNameTemplate.parse("db/{requester}/{requestId}");

    // A Sym run SRN has colons; a requester may have % and a request id a slash.
    assertThat(names.render(owner("50%off@acme.example", "acme:run:db_access:2.0.0:run/1")))
        .isEqualTo("db/50_off@acme.example/acme_run_db_access_2.0.0_run_1");
  }

  @Test
  void aNameEndingLikeAnArnSuffixIsChanged() {
    // AWS appends -XXXXXX to names in ARNs; a name ending so makes ARN prefixes ambiguous.
    assertThat(SecretNameTemplate.parse("x/{requestId}").render(owner("dana", "req-abc123")))
        .isEqualTo("x/req_abc123");
    assertThat(SecretNameTemplate.parse("x/{requestId}").render(owner("dana", "req-abc1234")))
        .isEqualTo("x/req-abc1234");
  }

  @Test
  void otherPlaceholdersWork() {
    assertThat(SecretNameTemplate.parse("{namespace}.{name}/{uid}").render(owner("dana", "r")))
        .isEqualTo("team-a.dana-readonly/" + UID);
  }

  @Test
  void aTemplateThatWouldShareSecretsBetweenRequestsIsRefused() {
    assertThatThrownBy(() -> SecretNameTemplate.parse("tempdb/{requester}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must contain {requestId}, {uid}, or {namespace} and {name}");
    assertThatThrownBy(() -> SecretNameTemplate.parse("tempdb/{name}"))
        .hasMessageContaining("must contain");
  }

  @Test
  void unknownPlaceholdersAndForbiddenCharactersAreRefusedWithTheFix() {
    assertThatThrownBy(() -> SecretNameTemplate.parse("tempdb/{user}/{uid}"))
        .hasMessageContaining("unknown placeholder {user}")
        .hasMessageContaining("{requester}");
    assertThatThrownBy(() -> SecretNameTemplate.parse("tempdb:{uid}"))
        .hasMessageContaining("characters AWS does not allow");
    assertThatThrownBy(() -> SecretNameTemplate.parse(" "))
        .hasMessageContaining("default is tempdb/{requester}/{requestId}");
  }

  @Test
  void aNameLongerThanAwsAllowsIsAPermanentFailureNamingTheFix() {
    SecretNameTemplate names = SecretNameTemplate.parse("{requester}/{requestId}");

    assertThatThrownBy(() -> names.render(owner("a".repeat(254), "r".repeat(260))))
        .isInstanceOf(SinkException.class)
        .matches(e -> ((SinkException) e).isPermanent())
        .hasMessageContaining("more than AWS's 512")
        .hasMessageContaining("TEMPDB_AWS_SECRET_NAME_TEMPLATE");
  }
}
