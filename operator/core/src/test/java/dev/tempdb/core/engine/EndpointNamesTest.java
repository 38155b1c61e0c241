package dev.tempdb.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.DatabaseServerSpec;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.TlsMode;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointNamesTest {
  private static final Pattern CRD_HOST = Pattern.compile(DatabaseServerSpec.HOST_PATTERN);

  static Stream<String> goodHosts() {
    return Stream.of(
        "db",
        "pg-main.databases.svc.cluster.local",
        "DB-1.Example.COM",
        "1password.example",
        "a1-2b",
        "x",
        "10.0.0.1",
        "255.255.255.255",
        "0.0.0.0",
        "::1",
        "[::1]",
        "::",
        "fe80::1",
        "2001:db8::8a2e:370:7334",
        "2001:0db8:0000:0000:0000:ff00:0042:8329",
        "[2001:db8::1]",
        "::ffff:192.0.2.1",
        "1:2:3:4:5:6:7::",
        "1:2:3:4:5:6:192.0.2.1");
  }

  static Stream<String> badHosts() {
    return Stream.of(
        "db:5432/x?sslmode=disable&",
        "postgres?sslmode=disable",
        "user@db",
        "db1,db2",
        "db#frag",
        "db/x",
        "db&x",
        "no such host",
        " db",
        "db\n",
        "db\u0000",
        "'db'",
        "\"db\"",
        "db\\x",
        "-bad-",
        "bad-.example",
        "a..b",
        "db.",
        ".db",
        "under_score.example",
        "1.2.3",
        "256.1.1.1",
        "01.2.3.4x.5",
        "1234",
        "db:5432",
        "[db]",
        "[::1",
        "::1]",
        ":::",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "12345::1",
        "abc:def:80",
        "1:2:3:4:5:6:7",
        "fe80::1%eth0",
        "::ffff:1.2.3.256",
        "ümlaut.example");
  }

  @ParameterizedTest
  @MethodSource({"goodHosts", "badHosts"})
  void theCrdPatternAgreesWithTheOperator(String host) {
    assertThat(CRD_HOST.matcher(host).matches()).isEqualTo(EndpointNames.isHost(host));
  }

  @ParameterizedTest
  @MethodSource("goodHosts")
  void acceptsHostNamesAndAddresses(String host) {
    assertThat(EndpointNames.checkHost("spec.host", host)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("badHosts")
  void refusesWhatIsNoHostNameOrAddress(String host) {
    assertThat(EndpointNames.checkHost("spec.host", host))
        .hasValueSatisfying(
            m -> assertThat(m).startsWith("spec.host \"").contains("use a host name (RFC 1123"));
  }

  @Test
  void refusesOverlongHostNamesAndLabels() {
    String label63 = "a".repeat(63);
    assertThat(EndpointNames.checkHost("spec.host", label63 + ".example")).isEmpty();
    assertThat(EndpointNames.checkHost("spec.host", label63 + "a.example")).isPresent();
    // The CRD's pattern cannot bound the last label; only the operator refuses this one.
    assertThat(EndpointNames.checkHost("spec.host", "example." + label63 + "a")).isPresent();
    String name253 = String.join(".", label63, label63, label63, "a".repeat(61));
    assertThat(name253).hasSize(253);
    assertThat(EndpointNames.checkHost("spec.host", name253)).isEmpty();
    assertThat(EndpointNames.checkHost("spec.host", name253 + "a")).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"app", "postgres", "my_db", "db$1", "app-2", "shop.eu", "A1"})
  void acceptsDatabaseNames(String database) {
    assertThat(EndpointNames.checkDatabase("spec.database", database)).isEmpty();
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
  void refusesDatabaseNamesWithOtherCharacters(String database) {
    assertThat(EndpointNames.checkDatabase("spec.database", database))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .startsWith("spec.database \"")
                    .endsWith("use 1 to 63 of the letters, digits, _ $ - and ."));
  }

  @Test
  void refusesEmptyAndOverlongDatabaseNames() {
    assertThat(EndpointNames.checkDatabase("spec.database", "a".repeat(63))).isEmpty();
    assertThat(EndpointNames.checkDatabase("spec.database", "a".repeat(64))).isPresent();
    assertThat(EndpointNames.checkDatabase("spec.database", ""))
        .hasValue(
            "spec.database is missing: set it to a database name of 1 to 63 of the letters,"
                + " digits, _ $ - and .");
    assertThat(EndpointNames.checkDatabase("spec.database", null)).isPresent();
    assertThat(EndpointNames.checkHost("spec.host", null))
        .hasValueSatisfying(m -> assertThat(m).startsWith("spec.host is missing: set it to"));
  }

  @Test
  void portsRunFrom1To65535() {
    assertThat(EndpointNames.checkPort("spec.port", 1)).isEmpty();
    assertThat(EndpointNames.checkPort("spec.port", 65535)).isEmpty();
    assertThat(EndpointNames.checkPort("spec.port", 0))
        .hasValue("spec.port 0 is not a port: use a number from 1 to 65535");
    assertThat(EndpointNames.checkPort("spec.port", 70000)).isPresent();
    assertThat(EndpointNames.checkPort("spec.port", -1)).isPresent();
  }

  @Test
  void messagesShowTheValueSafely() {
    assertThat(EndpointNames.checkDatabase("spec.database", "a\nb\"c\u202e"))
        .hasValueSatisfying(
            m -> assertThat(m).startsWith("spec.database \"a\\u000ab\\\"c\\u202e\" "));
    assertThat(EndpointNames.checkHost("spec.host", "x".repeat(300) + "/"))
        .hasValueSatisfying(
            m -> assertThat(m).startsWith("spec.host \"" + "x".repeat(80) + "...\" "));
  }

  @Test
  void openRefusesEveryBadFieldAtOnceBeforeConnecting() {
    ServerEndpoint bad =
        new ServerEndpoint(
            "ns/bad",
            Engine.POSTGRESQL,
            "db:5432",
            0,
            "app?x=1",
            "admin",
            "secret-password",
            TlsMode.REQUIRE,
            null,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            1,
            null);

    assertThatThrownBy(() -> DatabaseEngines.open(bad, java.time.Clock.systemUTC()))
        .isInstanceOf(InvalidEndpointException.class)
        .hasMessageStartingWith("ns/bad: host \"db:5432\" is not a host name or IP address")
        .hasMessageContaining("; port 0 is not a port")
        .hasMessageContaining("; database \"app?x=1\" is not a database name")
        .hasMessageNotContaining("secret-password")
        .satisfies(e -> assertThat(((EngineException) e).isPermanent()).isTrue());
  }

  @Test
  void driversGetIpv6AddressesWithoutBrackets() {
    assertThat(EndpointNames.driverHost("[::1]")).isEqualTo("::1");
    assertThat(EndpointNames.driverHost("::1")).isEqualTo("::1");
    assertThat(EndpointNames.driverHost("db.example")).isEqualTo("db.example");
  }
}
