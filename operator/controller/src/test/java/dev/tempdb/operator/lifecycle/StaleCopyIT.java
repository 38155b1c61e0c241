package dev.tempdb.operator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.sink.KubernetesSecretSink;
import dev.tempdb.operator.access.ControlNamespace;
import dev.tempdb.operator.access.CredentialSinks;
import dev.tempdb.operator.access.TargetResolver;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.events.EventRecorder;
import dev.tempdb.operator.servers.ServerRegistry;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle driven by hand, as JOSDK would drive it with a cached copy that predates the status
 * recording Active (an informer event arriving late after a restart): it must not grant again.
 */
class StaleCopyIT {
  static OperatorFixture op;
  static TestDatabase db = TestDatabase.of(Engine.POSTGRESQL);
  static ServerRegistry registry;
  static EventRecorder events;

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
    db.recreateSchema("stale", "items (id int)");
    op.target("stale-read", db.readonlySql("stale"), null, "8h");
    // From here on only this test decides: no operator races the hand-driven lifecycle.
    op.stop();
    registry = new ServerRegistry(op.client(), Clock.systemUTC());
    events = new EventRecorder(op.client(), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    events.close();
    registry.close();
    op.start();
    op.client().resource(op.get("stale-1")).delete();
    op.awaitGone("stale-1");
    op.close();
  }

  @Test
  void aStaleCopyOfAGrantedRequestDoesNotRotateItsPassword() throws Exception {
    KubernetesClient client = op.client();
    TemporaryDbAccess stale = op.request("stale-1", "stale-read", "ivan@acme-corp.example", "1h");
    AccessLifecycle lifecycle = lifecycle(client);

    Step granted = lifecycle.reconcile(client.resource(stale).get());
    assertThat(granted.status().getPhase()).isEqualTo(Phase.Active);
    TemporaryDbAccess recorded = client.resource(stale).get();
    recorded.setStatus(granted.status());
    client.resource(recorded).patchStatus();
    Secret published = op.secret(granted.status().getCredentials().getKubernetesSecret());

    Step again = lifecycle.reconcile(stale);

    assertThat(again.status().getPhase()).isEqualTo(Phase.Active);
    assertThat(again.status().getUsername()).isEqualTo(granted.status().getUsername());
    Secret after = op.secret(granted.status().getCredentials().getKubernetesSecret());
    assertThat(after.getMetadata().getResourceVersion())
        .as("credentials not published again")
        .isEqualTo(published.getMetadata().getResourceVersion());
    String password = OperatorFixture.decode(published).get("password");
    try (Connection c = db.login(granted.status().getUsername(), password)) {
      assertThat(c.isValid(2)).isTrue();
    }
    assertThat(again.recheckIn()).isGreaterThan(Duration.ofMinutes(59));
  }

  private static AccessLifecycle lifecycle(KubernetesClient client) {
    OperatorConfig config = OperatorFixture.testConfig();
    TargetResolver resolver = new TargetResolver(new ReadThrough(client));
    return new AccessLifecycle(
        config,
        resolver,
        registry,
        new CredentialSinks(List.of(new KubernetesSecretSink(client))),
        events,
        access -> Optional.ofNullable(client.resource(access).get()),
        () -> client.resources(TemporaryDbAccess.class).inAnyNamespace().list().getItems(),
        Clock.systemUTC());
  }

  /** The control namespace read straight from the API, as no informer runs here. */
  private record ReadThrough(KubernetesClient client) implements ControlNamespace {
    @Override
    public String name() {
      return OperatorFixture.CONTROL_NS;
    }

    @Override
    public Optional<AccessTarget> target(String target) {
      return Optional.ofNullable(
          client.resources(AccessTarget.class).inNamespace(name()).withName(target).get());
    }

    @Override
    public Optional<DatabaseServer> server(String server) {
      return Optional.ofNullable(
          client.resources(DatabaseServer.class).inNamespace(name()).withName(server).get());
    }

    @Override
    public Optional<ConfigMap> configMap(String configMap) {
      return Optional.ofNullable(client.configMaps().inNamespace(name()).withName(configMap).get());
    }
  }
}
