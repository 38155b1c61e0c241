package dev.tempdb.core.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.SinkException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SecretTagsTest {
  private static GrantOwner owner(String requester, String requestId) {
    return new GrantOwner(
        "tempdb.dev/v1alpha1",
        "TemporaryDbAccess",
        "team-a",
        "dana-ro",
        "uid-1",
        requester,
        requestId);
  }

  @Test
  void tagsNameTheRequesterTheOperatorTheRequestAndTheExpiry() {
    Instant expiry = Instant.parse("2026-11-21T15:17:29Z");

    assertThat(
            SecretTags.forGrant(
                owner("dana.lee@acme-corp.example", "acme:run:db_access:2.0.0:9b2e"),
                "sym.user",
                "tempdb-operator",
                expiry))
        .containsExactly(
            org.assertj.core.api.Assertions.entry("sym.user", "dana.lee@acme-corp.example"),
            org.assertj.core.api.Assertions.entry("tempdb.dev/managed-by", "tempdb-operator"),
            org.assertj.core.api.Assertions.entry("tempdb.dev/namespace", "team-a"),
            org.assertj.core.api.Assertions.entry("tempdb.dev/name", "dana-ro"),
            org.assertj.core.api.Assertions.entry("tempdb.dev/uid", "uid-1"),
            org.assertj.core.api.Assertions.entry(
                "tempdb.dev/request-id", "acme:run:db_access:2.0.0:9b2e"),
            org.assertj.core.api.Assertions.entry("tempdb.dev/expires-at", "2026-11-21T15:17:29Z"));
  }

  @Test
  void aRequesterAwsCannotTagIsRefusedRatherThanAltered() {
    // The IAM policy compares the tag with the caller's identity: an altered value would match
    // nobody, or someone else.
    assertThatThrownBy(
            () ->
                SecretTags.forGrant(
                    owner("50%off@acme.example", null), "sym.user", "t", Instant.EPOCH))
        .isInstanceOf(SinkException.class)
        .matches(e -> ((SinkException) e).isPermanent())
        .hasMessageContaining("requester '50%off@acme.example' cannot be an AWS tag value")
        .hasMessageContaining("KubernetesSecret");
  }

  @Test
  void requestIdCharactersAwsRefusesAreReplacedAndNoRequestIdMeansNoTag() {
    assertThat(
            SecretTags.forGrant(owner("dana", "run#1"), "sym.user", "t", Instant.EPOCH)
                .get(SecretTags.REQUEST_ID))
        .isEqualTo("run_1");
    assertThat(SecretTags.forGrant(owner("dana", null), "sym.user", "t", Instant.EPOCH))
        .doesNotContainKey(SecretTags.REQUEST_ID);
  }

  @Test
  void keysAndValuesAreCheckedAgainstAwsRules() {
    assertThat(SecretTags.keyProblem("sym.user")).isEmpty();
    assertThat(SecretTags.keyProblem("aws:user"))
        .hasValueSatisfying(p -> assertThat(p).contains("reserves"));
    assertThat(SecretTags.keyProblem("")).isPresent();
    assertThat(SecretTags.keyProblem("k".repeat(129))).isPresent();
    assertThat(SecretTags.keyProblem("user#id")).isPresent();
    assertThat(SecretTags.valueProblem("v".repeat(257))).isPresent();
    assertThat(SecretTags.valueProblem("team a/b:c=d+e-f@g_h.i")).isEmpty();
  }
}
