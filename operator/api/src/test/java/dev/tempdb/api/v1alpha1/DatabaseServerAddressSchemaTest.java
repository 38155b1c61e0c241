package dev.tempdb.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed DatabaseServer CRD refuses a host, publishedHost, database or port that is not a
 * name of that kind, the way a DatabaseServer once pasted "postgres?sslmode=disable" into a JDBC
 * URL. The operator checks the same rules (the mock API server of the other tests enforces none).
 */
class DatabaseServerAddressSchemaTest {
  private static final Path CRD = Path.of("../../crds/databaseservers.tempdb.dev.yaml");
  private static final Path SAMPLE = Path.of("../../samples/postgresql/databaseserver.yaml");
  private static CrdSchema crd;
  private static JsonNode sample;

  @BeforeAll
  static void load() throws IOException {
    crd = CrdSchema.load(CRD, "v1alpha1");
    sample = new YAMLMapper().readTree(SAMPLE.toFile());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pg-main.databases.svc.cluster.local",
        "db",
        "DB-1.Example.COM",
        "1password.example",
        "10.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "::ffff:192.0.2.1",
        "2001:db8::8a2e:370:7334",
        "[2001:db8::1]"
      })
  void hostsAndPublishedHostsMayBeNamesOrAddresses(String host) {
    assertThat(errors("host", host)).isEmpty();
    assertThat(errors("publishedHost", host)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "db:5432/x?sslmode=disable&",
        "db:5432",
        "user@db",
        "db1,db2",
        "db/x",
        "db?x=1",
        "db&x",
        "db#x",
        "no such host",
        " db",
        "db\n",
        "'db'",
        "db\\x",
        "-bad-",
        "bad-.example",
        "a..b",
        "db.",
        "under_score.example",
        "999.1.1.1",
        "1.2.3",
        "1234",
        "[db]",
        "[::1",
        "abc:def:80",
        ":::",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "::ffff:1.2.3.256",
        "fe80::1%eth0",
        "ümlaut.example"
      })
  void hostsAndPublishedHostsRefuseEverythingElse(String host) {
    assertThat(errors("host", host)).singleElement().asString().startsWith("spec.host: ");
    assertThat(errors("publishedHost", host))
        .singleElement()
        .asString()
        .startsWith("spec.publishedHost: ");
  }

  @Test
  void hostsAreAtMost253Characters() {
    String label = "a".repeat(63);
    String longest = String.join(".", label, label, label, "a".repeat(61));
    assertThat(errors("host", longest)).isEmpty();
    assertThat(errors("host", longest + "a")).singleElement().asString().startsWith("spec.host: ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "app",
        "postgres",
        "my_db",
        "db$1",
        "shop.eu-2",
        "A23456789012345678901234567890123456789012345678901234567890123"
      })
  void databasesAreLettersDigitsAndAFewMarks(String database) {
    assertThat(errors("database", database)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "postgres?sslmode=disable",
        "app?allowLoadLocalInfile=true",
        "a/b",
        "a&b",
        "a#b",
        "a@b",
        "a:b",
        "a b",
        "a\tb",
        "a\nb",
        "a'b",
        "a\"b",
        "a`b",
        "a\\b",
        "a;b",
        "a,b",
        "a%20b",
        "a\u0000b",
        "ümlaut"
      })
  void databasesRefuseEverythingElse(String database) {
    assertThat(errors("database", database))
        .singleElement()
        .asString()
        .startsWith("spec.database: ");
  }

  @Test
  void databasesAreAtLeastOneCharacter() {
    assertThat(errors("database", ""))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e).startsWith("spec.database: "));
  }

  @Test
  void databasesAreAtMost63Characters() {
    assertThat(errors("database", "a".repeat(64)))
        .singleElement()
        .asString()
        .startsWith("spec.database: ");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536, 70000})
  void portsRunFrom1To65535(int port) {
    assertThat(errors("port", port)).singleElement().asString().startsWith("spec.port: ");
    assertThat(errors("publishedPort", port))
        .singleElement()
        .asString()
        .startsWith("spec.publishedPort: ");
  }

  @Test
  void descriptionsSayWhatIsAllowed() throws IOException {
    JsonNode spec =
        new YAMLMapper()
            .readTree(CRD.toFile())
            .path("spec")
            .path("versions")
            .path(0)
            .path("schema")
            .path("openAPIV3Schema")
            .path("properties")
            .path("spec")
            .path("properties");

    assertThat(spec.path("host").path("description").asText())
        .contains("RFC 1123", "IPv4", "IPv6", "no port");
    assertThat(spec.path("publishedHost").path("description").asText())
        .contains("RFC 1123", "IPv4", "IPv6");
    assertThat(spec.path("database").path("description").asText())
        .contains("1 to 63 of the letters, digits, _ $ - and .");
  }

  private static List<String> errors(String field, String value) {
    JsonNode server = sample.deepCopy();
    ((ObjectNode) server.get("spec")).put(field, value);
    return crd.validateCreate(server);
  }

  private static List<String> errors(String field, int value) {
    JsonNode server = sample.deepCopy();
    ((ObjectNode) server.get("spec")).put(field, value);
    return crd.validateCreate(server);
  }
}
