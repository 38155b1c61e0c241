package dev.tempdb.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tempdb.api.v1alpha1.CrdSchema.Rule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks samples/ and hand-made invalid variants of them against the committed CRDs: their OpenAPI
 * schemas and CEL rules, which the fabric8 mock server used by the other tests does not enforce.
 * See {@link CrdSchema} for how closely that follows the API server.
 */
class CrdSchemaValidationTest {
  private static final Path CRDS = Path.of("../../crds");
  private static final Path SAMPLES = Path.of("../../samples");
  private static final YAMLMapper YAML = new YAMLMapper();

  private static final String SERVER = "postgresql/databaseserver.yaml";
  private static final String READONLY = "postgresql/accesstarget-readonly.yaml";
  private static final String READWRITE = "postgresql/accesstarget-inline.yaml";
  private static final String ACCESS = "temporarydbaccess.yaml";
  private static final String ROLE_GRANT = "rolegrant/accesstarget-analyst.yaml";

  private static final Map<String, CrdSchema> CRDS_BY_KIND = loadCrds();

  static Stream<Named<JsonNode>> samples() throws IOException {
    try (Stream<Path> files = Files.walk(SAMPLES)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .sorted()
          .flatMap(f -> readAll(f).stream().map(r -> Named.of(describe(f, r), r)))
          .filter(r -> r.getPayload().path("apiVersion").asText().equals("tempdb.dev/v1alpha1"))
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleIsValid(JsonNode resource) {
    assertThat(crd(resource).validateCreate(resource)).isEmpty();
  }

  @Test
  void samplesCoverEveryKind() throws IOException {
    assertThat(samples().map(r -> r.getPayload().path("kind").asText()))
        .containsAll(CRDS_BY_KIND.keySet());
  }

  @Test
  void rulesAreFoundWhereTheClassesDeclareThem() {
    assertThat(CRDS_BY_KIND.get("DatabaseServer").rules())
        .extracting(Rule::path)
        .containsExactly(".spec.tls");
    assertThat(CRDS_BY_KIND.get("AccessTarget").rules())
        .extracting(Rule::path)
        .containsExactly(
            ".spec",
            ".spec",
            ".spec",
            ".spec",
            ".spec",
            ".spec",
            ".spec",
            ".spec.grant",
            ".spec.revoke");
    assertThat(CRDS_BY_KIND.get("TemporaryDbAccess").rules())
        .extracting(Rule::path, Rule::transition)
        .containsExactly(
            tuple(".spec", false),
            tuple(".spec", true),
            tuple(".spec", true),
            tuple(".spec", true),
            tuple(".spec", true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"self.a ==", "self.b == 'x'", "size(self.a)", "undeclared(self.a)"})
  void ruleThatDoesNotCompileFailsTheLoad(String rule) throws IOException {
    JsonNode schema =
        YAML.readTree(
            """
            type: object
            properties:
              a: {type: string}
            x-kubernetes-validations:
            - rule: "%s"
            """
                .formatted(rule));

    assertThatThrownBy(() -> new CrdSchema("test/v1", "Test", schema))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(rule);
  }

  // --- TemporaryDbAccess

  @Test
  void ttlAndExpiresAtAreExclusive() {
    JsonNode access = sample(ACCESS);
    spec(access).put("expiresAt", "2026-11-21T15:17:29Z");

    assertThat(crd(access).validateCreate(access))
        .containsExactly(
            "spec: set at most one of ttl or expiresAt (neither means the target's defaultTtl)");
  }

  @Test
  void expiresAtMayReplaceTtl() {
    JsonNode access = sample(ACCESS);
    spec(access).remove("ttl");
    spec(access).put("expiresAt", "2026-11-21T16:17:29.442+01:00");

    assertThat(crd(access).validateCreate(access)).isEmpty();
  }

  @Test
  void ttlMustBeADuration() {
    JsonNode access = sample(ACCESS);
    spec(access).put("ttl", "30x");

    assertThat(crd(access).validateCreate(access))
        .singleElement()
        .asString()
        .contains("spec.ttl", "does not match the regex pattern");
  }

  @Test
  void requesterMustNotContainSpaces() {
    JsonNode access = sample(ACCESS);
    spec(access).put("requester", "dana lee@acme-corp.example");

    assertThat(crd(access).validateCreate(access))
        .singleElement()
        .asString()
        .contains("spec.requester", "does not match the regex pattern");
  }

  @Test
  void unknownFieldsAreRejected() {
    JsonNode access = sample(ACCESS);
    spec(access).put("tll", "2h");

    assertThat(crd(access).validateCreate(access))
        .singleElement()
        .asString()
        .contains("tll", "is not defined in the schema");
  }

  @Test
  void targetIsImmutable() {
    JsonNode old = sample(ACCESS);
    JsonNode updated = old.deepCopy();
    spec(updated).put("target", "readwrite");

    assertThat(crd(old).validateUpdate(updated, old))
        .containsExactly("spec: target is immutable: delete this request and create a new one");
  }

  @Test
  void requesterIsImmutable() {
    JsonNode old = sample(ACCESS);
    JsonNode updated = old.deepCopy();
    spec(updated).put("requester", "sam.ortiz@acme-corp.example");

    assertThat(crd(old).validateUpdate(updated, old))
        .containsExactly("spec: requester is immutable: delete this request and create a new one");
  }

  @Test
  void requestIdIsImmutableOnceSetAndCannotBeAddedLater() {
    JsonNode old = sample(ACCESS);
    JsonNode changed = old.deepCopy();
    spec(changed).put("requestId", "another-run");
    JsonNode withoutId = old.deepCopy();
    spec(withoutId).remove("requestId");
    String message = "spec: requestId is immutable: it names the published AWS secret";

    assertThat(spec(old).has("requestId")).isTrue();
    assertThat(crd(old).validateUpdate(changed, old)).containsExactly(message);
    assertThat(crd(old).validateUpdate(withoutId, old)).containsExactly(message);
    assertThat(crd(old).validateUpdate(old, withoutId)).containsExactly(message);
    assertThat(crd(old).validateUpdate(withoutId, withoutId)).isEmpty();
  }

  @Test
  void updateKeepingTargetAndRequesterIsAccepted() {
    JsonNode old = sample(ACCESS);
    JsonNode extended = old.deepCopy();
    spec(extended).put("ttl", "2h");

    assertThat(crd(old).validateUpdate(old, old)).isEmpty();
    assertThat(crd(old).validateUpdate(extended, old)).isEmpty();
  }

  // --- AccessTarget

  @Test
  void defaultTtlMustNotExceedMaxTtl() {
    JsonNode target = sample(READONLY);
    spec(target).put("defaultTtl", "9h");

    assertThat(crd(target).validateCreate(target))
        .containsExactly("spec: defaultTtl must not be longer than maxTtl");
  }

  @Test
  void defaultTtlIsComparedWithTheDefaultMaxTtl() {
    JsonNode target = sample(READONLY);
    spec(target).remove(List.of("defaultTtl", "maxTtl"));
    assertThat(crd(target).validateCreate(target)).isEmpty();

    spec(target).put("defaultTtl", "9h"); // maxTtl defaults to 8h
    assertThat(crd(target).validateCreate(target))
        .containsExactly("spec: defaultTtl must not be longer than maxTtl");
  }

  @Test
  void ttlsAreComparedAsDurationsNotAsStrings() {
    JsonNode target = sample(READONLY);
    spec(target).put("defaultTtl", "90m").put("maxTtl", "1h30m");
    assertThat(crd(target).validateCreate(target)).isEmpty();

    spec(target).put("defaultTtl", "3600s").put("maxTtl", "59m");
    assertThat(crd(target).validateCreate(target))
        .containsExactly("spec: defaultTtl must not be longer than maxTtl");
  }

  @Test
  void roleGrantNeedsRolesAndNoSql() {
    JsonNode target = sample(ROLE_GRANT);
    assertThat(crd(target).validateCreate(target)).isEmpty();

    JsonNode noRoles = sample(ROLE_GRANT);
    spec(noRoles).remove("roles");
    assertThat(crd(noRoles).validateCreate(noRoles))
        .containsExactly("spec: roles is required with strategy RoleGrant, and only used by it");

    JsonNode withSql = sample(ROLE_GRANT);
    spec(withSql).putObject("grant").put("inline", "GRANT x TO {username}");
    assertThat(crd(withSql).validateCreate(withSql))
        .containsExactly(
            "spec: strategy RoleGrant grants spec.roles; grant and revoke SQL are for"
                + " TemporaryUser");
  }

  @Test
  void temporaryUserNeedsGrantAndNoRoleGrantFields() {
    JsonNode noGrant = sample(READONLY);
    spec(noGrant).remove("grant");
    assertThat(crd(noGrant).validateCreate(noGrant))
        .containsExactly("spec: grant is required with strategy TemporaryUser");

    JsonNode withRoles = sample(READONLY);
    spec(withRoles).putArray("roles").add("analyst");
    spec(withRoles).put("endSessions", true);
    assertThat(crd(withRoles).validateCreate(withRoles))
        .containsExactlyInAnyOrder(
            "spec: roles is required with strategy RoleGrant, and only used by it",
            "spec: userMapping and endSessions are used only with strategy RoleGrant");
  }

  @Test
  void roleNamesAreCheckedAgainstTheSafeAlphabet() {
    JsonNode target = sample(ROLE_GRANT);
    spec(target).putArray("roles").add("analyst; DROP TABLE x");
    assertThat(crd(target).validateCreate(target)).isNotEmpty();
  }

  @Test
  void grantNeedsExactlyOneOfInlineAndConfigMapKeyRef() {
    JsonNode both = sample(READONLY);
    ((ObjectNode) spec(both).get("grant")).put("inline", "GRANT app_reader TO {username}");
    JsonNode neither = sample(READONLY);
    spec(neither).putObject("grant");

    assertThat(crd(both).validateCreate(both))
        .containsExactly("spec.grant: set exactly one of inline or configMapKeyRef");
    assertThat(crd(neither).validateCreate(neither))
        .containsExactly("spec.grant: set exactly one of inline or configMapKeyRef");
  }

  @Test
  void revokeNeedsExactlyOneOfInlineAndConfigMapKeyRef() {
    JsonNode target = sample(READWRITE);
    spec(target).putObject("revoke");

    assertThat(crd(target).validateCreate(target))
        .containsExactly("spec.revoke: set exactly one of inline or configMapKeyRef");
  }

  // --- DatabaseServer

  @Test
  void verifyFullNeedsACaBundle() {
    JsonNode server = sample(SERVER);
    ObjectNode tls = spec(server).putObject("tls").put("mode", "verify-full");
    assertThat(crd(server).validateCreate(server))
        .containsExactly(
            "spec.tls: tls.caConfigMap is required when tls.mode is verify-ca or verify-full");

    tls.putObject("caConfigMap").put("name", "pg-main-ca").put("key", "ca.crt");
    assertThat(crd(server).validateCreate(server)).isEmpty();
  }

  @Test
  void tlsModeDefaultsToRequire() {
    JsonNode server = sample(SERVER);
    spec(server).putObject("tls");

    assertThat(crd(server).validateCreate(server)).isEmpty();
  }

  // --- helpers

  private static Map<String, CrdSchema> loadCrds() {
    try (Stream<Path> files = Files.list(CRDS)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .map(CrdSchemaValidationTest::load)
          .collect(Collectors.toMap(CrdSchema::kind, Function.identity()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CrdSchema load(Path crdFile) {
    try {
      return CrdSchema.load(crdFile, "v1alpha1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CrdSchema crd(JsonNode resource) {
    CrdSchema crd = CRDS_BY_KIND.get(resource.path("kind").asText());
    assertThat(crd).as("CRD for %s", resource.path("kind")).isNotNull();
    assertThat(resource.path("apiVersion").asText()).isEqualTo(crd.apiVersion());
    return crd;
  }

  /** The single tempdb.dev resource in a sample file, to modify. */
  private static JsonNode sample(String file) {
    return readAll(SAMPLES.resolve(file)).stream()
        .filter(r -> r.path("apiVersion").asText().startsWith("tempdb.dev/"))
        .reduce(
            (a, b) -> {
              throw new IllegalStateException(file + " has several resources");
            })
        .orElseThrow();
  }

  private static ObjectNode spec(JsonNode resource) {
    return (ObjectNode) resource.get("spec");
  }

  private static List<JsonNode> readAll(Path file) {
    try {
      return YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll().stream()
          .filter(JsonNode::isObject)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(Path file, JsonNode resource) {
    return SAMPLES.relativize(file)
        + " "
        + resource.path("kind").asText()
        + "/"
        + resource.path("metadata").path("name").asText();
  }
}
