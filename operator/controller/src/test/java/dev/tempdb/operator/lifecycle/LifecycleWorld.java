package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.AccessTargetSpec;
import dev.tempdb.api.v1alpha1.AccessTargetStatus;
import dev.tempdb.api.v1alpha1.AdminCredentials;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DatabaseServerSpec;
import dev.tempdb.api.v1alpha1.DatabaseServerStatus;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.SqlSource;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessSpec;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.api.v1alpha1.Tls;
import dev.tempdb.api.v1alpha1.TlsMode;
import dev.tempdb.operator.access.ControlNamespace;
import dev.tempdb.operator.access.CredentialSinks;
import dev.tempdb.operator.access.TargetResolver;
import dev.tempdb.operator.config.OperatorConfig;
import dev.tempdb.operator.events.AccessEvents;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.status.StatusPatches;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The lifecycle with everything around it faked in memory: a database, the sinks, the control
 * namespace, the API's copies of the requests, events and a clock that moves only when told. {@link
 * #pass} runs one reconcile the way JOSDK does and stores the status it returns.
 */
final class LifecycleWorld implements AccessEvents {
  static final String NS = "tempdb-system";
  static final Instant START = Instant.parse("2026-12-02T10:00:00Z");
  static final Duration RECHECK = Duration.ofSeconds(30);
  static final Duration RETENTION = Duration.ofHours(1);

  final FakeEngine engine = new FakeEngine();
  final FakeSink secrets = new FakeSink(DeliveryMethod.KubernetesSecret);
  final FakeSink aws = new FakeSink(DeliveryMethod.AwsSecretsManager);
  final List<String> events = new ArrayList<>();
  final Map<String, AccessTarget> targets = new HashMap<>();
  final Map<String, DatabaseServer> servers = new HashMap<>();
  final Map<String, ConfigMap> configMaps = new HashMap<>();

  /** The API server's copies, by request name. */
  final Map<String, TemporaryDbAccess> api = new HashMap<>();

  Instant now = START;
  int latestReads;
  private long resourceVersion = 1;
  private final AccessLifecycle lifecycle;

  LifecycleWorld() {
    this(true);
  }

  /**
   * @param awsEnabled whether the operator has AWS delivery configured
   */
  LifecycleWorld(boolean awsEnabled) {
    OperatorConfig config =
        OperatorConfig.fromSettings(
            Map.of(
                "TEMPDB_CONTROL_NAMESPACE",
                NS,
                "TEMPDB_RECHECK_INTERVAL",
                RECHECK.toSeconds() + "s",
                "TEMPDB_EXPIRED_RETENTION",
                RETENTION.toSeconds() + "s",
                "TEMPDB_LEADER_ELECTION_ENABLED",
                "false"));
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now;
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    List<dev.tempdb.core.sink.CredentialSink> sinks =
        awsEnabled ? List.of(secrets, aws) : List.of(secrets);
    lifecycle =
        new AccessLifecycle(
            config,
            new TargetResolver(new InMemoryNamespace()),
            server -> engine,
            new CredentialSinks(sinks),
            this,
            access -> {
              latestReads++;
              return Optional.ofNullable(api.get(access.getMetadata().getName()))
                  .map(LifecycleWorld::copy);
            },
            () -> api.values().stream().map(LifecycleWorld::copy).toList(),
            clock);
    server("db");
  }

  // --- the control namespace -------------------------------------------------------------

  DatabaseServer server(String name) {
    DatabaseServerSpec spec = new DatabaseServerSpec();
    spec.setEngine(Engine.POSTGRESQL);
    spec.setHost("db.internal");
    spec.setPort(5432);
    spec.setDatabase("app");
    AdminCredentials creds = new AdminCredentials();
    creds.setSecretName(name + "-admin");
    spec.setAdminCredentials(creds);
    Tls tls = new Tls();
    tls.setMode(TlsMode.REQUIRE);
    spec.setTls(tls);
    DatabaseServer server = new DatabaseServer();
    server.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    server.setSpec(spec);
    healthy(server, true);
    servers.put(name, server);
    return server;
  }

  /** Its health check's verdict, as the DatabaseServer reconciler records it. */
  static void healthy(DatabaseServer server, boolean ready) {
    DatabaseServerStatus status = new DatabaseServerStatus();
    status.setConditions(
        Conditions.merge(
            List.of(),
            List.of(
                Conditions.of(
                    Conditions.READY,
                    ready,
                    ready ? "Connected" : "ConnectionFailed",
                    ready ? "Logged in" : "password authentication failed")),
            1L,
            START));
    server.setStatus(status);
  }

  /** A Ready TemporaryUser target on server db, 8h maximum. */
  AccessTarget target(String name) {
    return target(name, spec -> {});
  }

  AccessTarget target(String name, Consumer<AccessTargetSpec> customise) {
    AccessTargetSpec spec = new AccessTargetSpec();
    spec.setServer("db");
    spec.setGrant(SqlSource.inline("GRANT SELECT ON t TO {username}"));
    spec.setMaxTtl("8h");
    customise.accept(spec);
    AccessTarget target = new AccessTarget();
    target.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(NS).withGeneration(1L).build());
    target.setSpec(spec);
    ready(target, true);
    targets.put(name, target);
    return target;
  }

  /** A Ready RoleGrant target giving these roles. */
  AccessTarget roleTarget(String name, String... roles) {
    engine.roles.addAll(List.of(roles));
    return target(
        name,
        spec -> {
          spec.setStrategy(Strategy.RoleGrant);
          spec.setGrant(null);
          spec.setRoles(List.of(roles));
        });
  }

  static void ready(AccessTarget target, boolean ready) {
    AccessTargetStatus status = new AccessTargetStatus();
    status.setObservedGeneration(target.getMetadata().getGeneration());
    status.setConditions(
        Conditions.merge(
            List.of(),
            List.of(Conditions.of(Conditions.READY, ready, ready ? "Ready" : "Broken", "checked")),
            target.getMetadata().getGeneration(),
            START));
    target.setStatus(status);
  }

  private final class InMemoryNamespace implements ControlNamespace {
    @Override
    public String name() {
      return NS;
    }

    @Override
    public Optional<AccessTarget> target(String name) {
      return Optional.ofNullable(targets.get(name));
    }

    @Override
    public Optional<DatabaseServer> server(String name) {
      return Optional.ofNullable(servers.get(name));
    }

    @Override
    public Optional<ConfigMap> configMap(String name) {
      return Optional.ofNullable(configMaps.get(name));
    }
  }

  // --- events ----------------------------------------------------------------------------

  @Override
  public void normal(HasMetadata about, String reason, String message) {
    events.add("Normal " + reason + ": " + message);
  }

  @Override
  public void warning(HasMetadata about, String reason, String message) {
    events.add("Warning " + reason + ": " + message);
  }

  /** The reasons of the events so far, in order. */
  List<String> reasons() {
    return events.stream().map(e -> e.substring(0, e.indexOf(':'))).toList();
  }

  // --- requests --------------------------------------------------------------------------

  /** Creates a request for dana@acme.example with this ttl. */
  TemporaryDbAccess request(String name, String target, String ttl) {
    return request(name, target, ttl, spec -> {});
  }

  TemporaryDbAccess request(
      String name, String target, String ttl, Consumer<TemporaryDbAccessSpec> customise) {
    TemporaryDbAccessSpec spec = new TemporaryDbAccessSpec();
    spec.setTarget(target);
    spec.setRequester("dana@acme.example");
    spec.setTtl(ttl);
    customise.accept(spec);
    TemporaryDbAccess access = new TemporaryDbAccess();
    access.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("team-a")
            .withUid("uid-" + name)
            .withGeneration(1L)
            .withResourceVersion(String.valueOf(resourceVersion++))
            .build());
    access.setSpec(spec);
    api.put(name, access);
    return copy(access);
  }

  /** Changes the spec as a user would: a new generation and resource version. */
  void edit(String name, Consumer<TemporaryDbAccessSpec> change) {
    TemporaryDbAccess access = api.get(name);
    change.accept(access.getSpec());
    access.getMetadata().setGeneration(access.getMetadata().getGeneration() + 1);
    access.getMetadata().setResourceVersion(String.valueOf(resourceVersion++));
  }

  /** One reconcile of the API's copy; the status it returns is stored, as JOSDK patches it. */
  Step pass(String name) {
    Step step = lifecycle.reconcile(copy(api.get(name)));
    store(name, step.status());
    return step;
  }

  /** One reconcile of the given (possibly stale) copy of request {@code name}. */
  Step passOn(String name, TemporaryDbAccess copy) {
    Step step = lifecycle.reconcile(copy(copy));
    if (api.containsKey(name)) {
      store(name, step.status());
    }
    return step;
  }

  /** One reconcile whose status never reaches the API: the operator crashed right after it. */
  void passLosingStatus(String name) {
    lifecycle.reconcile(copy(api.get(name)));
  }

  /** One reconcile that throws: JOSDK then records what the error handler returns. */
  RuntimeException failingPass(String name) {
    TemporaryDbAccess access = copy(api.get(name));
    try {
      Step step = lifecycle.reconcile(access);
      throw new AssertionError("expected the pass to fail, it returned " + step);
    } catch (RuntimeException e) {
      lifecycle.afterFailure(access, e).ifPresent(status -> store(name, status));
      return e;
    }
  }

  /** One reconcile that may fail (retried by JOSDK) or not; the status is stored either way. */
  void failingPassOrPass(String name) {
    TemporaryDbAccess access = copy(api.get(name));
    try {
      store(name, lifecycle.reconcile(access).status());
    } catch (RuntimeException e) {
      lifecycle.afterFailure(access, e).ifPresent(status -> store(name, status));
    }
  }

  /** One pass of the finalizer; when it is done the request is gone from the API. */
  Step delete(String name) {
    Step step = lifecycle.cleanup(copy(api.get(name)));
    if (step.done()) {
      api.remove(name);
    } else {
      store(name, step.status());
    }
    return step;
  }

  TemporaryDbAccessStatus status(String name) {
    return api.get(name).getStatus();
  }

  void advance(Duration by) {
    now = now.plus(by);
  }

  private void store(String name, TemporaryDbAccessStatus status) {
    TemporaryDbAccess access = api.get(name);
    if (status != null && StatusPatches.changed(access.getStatus(), status)) {
      access.setStatus(copy(status));
      access.getMetadata().setResourceVersion(String.valueOf(resourceVersion++));
    }
  }

  static TemporaryDbAccess copy(TemporaryDbAccess access) {
    return Serialization.clone(access);
  }

  static TemporaryDbAccessStatus copy(TemporaryDbAccessStatus status) {
    return Serialization.unmarshal(Serialization.asJson(status), TemporaryDbAccessStatus.class);
  }
}
