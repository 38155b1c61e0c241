package dev.tempdb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.ConnectionSettings;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DatabaseServerSpec;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.ScrapedMetrics;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DatabaseServer specs the operator cannot use say so in their status, naming the field, and
 * quickly: a host, port or database that cannot name a server is refused before any connection (a
 * listener on the spec's port counts the attempts), and a host that does not resolve or a port
 * nobody listens on give ConnectionFailed with the driver's reason. The mock API server does not
 * enforce the CRD's patterns, so these reach the operator as they would from an older CRD.
 */
class DatabaseServerSpecIT {
  private static OperatorFixture op;
  private static ServerSocket tripwire;
  private static final AtomicInteger CONNECTIONS = new AtomicInteger();
  private final List<String> created = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    op = new OperatorFixture();
    tripwire = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept =
        new Thread(
            () -> {
              while (!tripwire.isClosed()) {
                try (Socket s = tripwire.accept()) {
                  CONNECTIONS.incrementAndGet();
                } catch (IOException closed) {
                  // the socket was closed at the end of the tests
                }
              }
            },
            "tripwire");
    accept.setDaemon(true);
    accept.start();
  }

  @AfterAll
  static void stop() throws IOException {
    tripwire.close();
    op.close();
  }

  @AfterEach
  void deleteServers() {
    created.forEach(name -> server(name).delete());
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        invalid("spaces", s -> s.setHost("no such host"), "spec.host \"no such host\""),
        invalid("dashes", s -> s.setHost("-bad-"), "spec.host \"-bad-\""),
        invalid(
            "host-url",
            s -> s.setHost("127.0.0.1:5432/postgres?sslmode=disable&"),
            "spec.host \"127.0.0.1:5432/postgres?sslmode=disable&\""),
        invalid("host-user", s -> s.setHost("root@127.0.0.1"), "spec.host \"root@127.0.0.1\""),
        invalid(
            "database-url",
            s -> s.setDatabase("postgres?sslmode=disable"),
            "spec.database \"postgres?sslmode=disable\" is not a database name: use 1 to 63 of"
                + " the letters, digits, _ $ - and ."),
        invalid("port-0", s -> s.setPort(0), "spec.port 0 is not a port: use a number from 1"),
        invalid("port-70000", s -> s.setPort(70000), "spec.port 70000 is not a port"),
        invalid(
            "published",
            s -> s.setPublishedHost("db.example,evil.example"),
            "spec.publishedHost \"db.example,evil.example\""),
        invalid(
            "published-port", s -> s.setPublishedPort(0), "spec.publishedPort 0 is not a port"));
  }

  private static Arguments invalid(
      String name, Consumer<DatabaseServerSpec> change, String message) {
    return Arguments.of(name, change, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void anInvalidFieldGivesInvalidSpecNamingItWithoutConnecting(
      String name, Consumer<DatabaseServerSpec> change, String message) {
    int before = CONNECTIONS.get();

    Condition ready = awaitReady(create("bad-" + name, change), "InvalidSpec", 10);

    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains(message);
    if (ready.getMessage().startsWith("spec.host")) {
      assertThat(ready.getMessage()).contains("use a host name (RFC 1123");
    }
    assertThat(CONNECTIONS.get()).as("connections to the spec's port").isEqualTo(before);
  }

  @Test
  void anInvalidSpecIsNotRetriedAndHealsWhenFixed() {
    String name = create("bad-retry", s -> s.setDatabase("postgres;x"));
    Condition first = awaitReady(name, "InvalidSpec", 10);
    String version = server(name).get().getMetadata().getResourceVersion();

    // The admin Secret changing brings a reconcile of every server that names it: once those
    // passes have run (and nothing is left queued or running), the status must be as it was.
    awaitServerPassesSettled(0);
    double before = ScrapedMetrics.passesStarted(op.app(), "DatabaseServer");
    long naming =
        op
            .client()
            .resources(DatabaseServer.class)
            .inNamespace(OperatorFixture.CONTROL_NS)
            .list()
            .getItems()
            .stream()
            .filter(s -> s.getSpec() != null && s.getSpec().getAdminCredentials() != null)
            .filter(
                s ->
                    (OperatorFixture.SERVER + "-admin")
                        .equals(s.getSpec().getAdminCredentials().getSecretName()))
            .count();
    touchAdminSecret();
    awaitServerPassesSettled(before + naming);
    assertThat(server(name).get().getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(readyOf(name)).isEqualTo(first);

    server(name)
        .edit(
            s -> {
              s.getSpec().setDatabase("postgres");
              s.getSpec().setPort(op.postgres().port());
              return s;
            });
    awaitReady(name, "Connected", 15);
  }

  @Test
  void aHostThatDoesNotResolveGivesConnectionFailedWithTheCause() {
    String name = create("no-dns", s -> s.setHost("no-such-host.invalid"));

    Condition ready = awaitReady(name, "ConnectionFailed", 20);

    assertThat(ready.getMessage())
        .startsWith("could not connect to spec.host no-such-host.invalid port ")
        .contains("UnknownHostException");
  }

  @Test
  void aPortNobodyListensOnGivesConnectionFailedWithTheCause() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String name = create("refused", s -> s.setPort(closed));

    Condition ready = awaitReady(name, "ConnectionFailed", 20);

    assertThat(ready.getMessage())
        .startsWith("could not connect to spec.host 127.0.0.1 port " + closed + ": ")
        .contains("refused");
  }

  /**
   * Creates a copy of the {@code pg} server pointed at the tripwire with short timeouts, then
   * changed.
   */
  private String create(String name, Consumer<DatabaseServerSpec> change) {
    DatabaseServerSpec spec = server(OperatorFixture.SERVER).get().getSpec();
    spec.setHost("127.0.0.1");
    spec.setPort(tripwire.getLocalPort());
    ConnectionSettings connection = new ConnectionSettings();
    connection.setConnectTimeout("1s");
    connection.setStatementTimeout("1s");
    spec.setConnection(connection);
    change.accept(spec);
    DatabaseServer server = new DatabaseServer();
    server.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(OperatorFixture.CONTROL_NS).build());
    server.setSpec(spec);
    op.client().resource(server).create();
    created.add(name);
    return name;
  }

  private static Condition awaitReady(String name, String reason, int seconds) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> readyOf(name), c -> c != null && reason.equals(c.getReason()));
  }

  private static Condition readyOf(String name) {
    DatabaseServer s = server(name).get();
    return s == null || s.getStatus() == null || s.getStatus().getConditions() == null
        ? null
        : s.getStatus().getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  private static Resource<DatabaseServer> server(String name) {
    return op.client()
        .resources(DatabaseServer.class)
        .inNamespace(OperatorFixture.CONTROL_NS)
        .withName(name);
  }

  private static void awaitServerPassesSettled(double atLeast) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ScrapedMetrics.passesSettled(op.app(), "DatabaseServer", atLeast));
  }

  private static void touchAdminSecret() {
    op.client()
        .secrets()
        .inNamespace(OperatorFixture.CONTROL_NS)
        .withName(OperatorFixture.SERVER + "-admin")
        .edit(
            (Secret s) -> {
              s.getMetadata()
                  .setAnnotations(Map.of("test/touched", Long.toString(System.nanoTime())));
              return s;
            });
  }
}
