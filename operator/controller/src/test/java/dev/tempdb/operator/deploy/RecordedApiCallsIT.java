package dev.tempdb.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.testing.KubernetesFixture;
import dev.tempdb.core.testing.RecordingCrudDispatcher.ApiRequest;
import dev.tempdb.operator.deploy.OperatorApiCalls.Call;
import dev.tempdb.operator.deploy.OperatorApiCalls.Scope;
import dev.tempdb.operator.testing.OperatorFixture;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The install's RBAC against what the operator really does: runs the operator (leader election on,
 * all namespaces watched) through a request's whole life, an expiry with its retention, a deletion
 * and a sweep, records every API request its client made, and checks that the rendered kustomize
 * and Helm RBAC allow each one, and that the list of calls the RBAC was built from ({@link
 * OperatorApiCalls}) holds nothing the operator did not do.
 */
class RecordedApiCallsIT {
  private static final String AGENT = "tempdb-operator-under-test";
  private static final String CONTROL = OperatorFixture.CONTROL_NS;
  private static final String SA = "tempdb-operator";

  /** Granted to every authenticated user by the default system:basic-user ClusterRole. */
  private static final Call RULES_REVIEW =
      new Call(null, "authorization.k8s.io", "selfsubjectrulesreviews", "create", null);

  /** Calls in the list that the scenario does not reach, each with the code path that needs it. */
  private static final Map<Call, String> NOT_IN_SCENARIO =
      Map.of(
          new Call(Scope.WATCHED, "", "secrets", "update", null),
          "KubernetesSecretSink re-publishing over its own Secret after a crash between create"
              + " and the status write",
          new Call(Scope.CONTROL, "", "configmaps", "get", null),
          "ServerRegistry reading a DatabaseServer's TLS CA ConfigMap (spec.tls.caConfigMap)");

  private static Set<Call> made;
  private static Set<String> namespacesUsed;

  @BeforeAll
  static void runTheOperatorThroughARequestsLife() {
    OperatorFixture op =
        new OperatorFixture(
            c ->
                OperatorFixture.testConfig(
                    Map.of(
                        "TEMPDB_LEADER_ELECTION_ENABLED", "true",
                        "TEMPDB_LEADER_ELECTION_LEASE_NAME", OperatorApiCalls.LEASE,
                        "TEMPDB_EXPIRED_RETENTION", "1s")),
            AGENT);
    try {
      op.postgres().superuser("CREATE SCHEMA IF NOT EXISTS calls");
      // A server of its own whose status this operator writes (the shared one may be Ready
      // already, from earlier tests): its admin Secret does not exist, so it is not Ready at once
      // (an unreachable port would first wait out the connection timeout).
      DatabaseServer notReady =
          op.client()
              .resources(DatabaseServer.class)
              .inNamespace(CONTROL)
              .withName(OperatorFixture.SERVER)
              .get();
      notReady.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
              .withName("calls-not-ready")
              .withNamespace(CONTROL)
              .build());
      notReady.setStatus(null);
      notReady.getSpec().getAdminCredentials().setSecretName("calls-no-such-secret");
      op.client().resource(notReady).create();
      op.target("calls-read", "GRANT USAGE ON SCHEMA calls TO {username};", null, "1h");
      op.request("calls-expiring", "calls-read", "pia@acme-corp.example", "3s");
      TemporaryDbAccess deleted =
          op.request("calls-deleted", "calls-read", "quinn@acme-corp.example", "30m");
      op.awaitPhase("calls-deleted", Phase.Active);
      // An extension moves the expiry in the published Secret too.
      TemporaryDbAccess latest = op.get("calls-deleted");
      latest.getSpec().setTtl("1h");
      op.client().resource(latest).update();
      op.awaitRequest(
          "calls-deleted",
          r ->
              r.getStatus() != null
                  && r.getStatus().getExpiresAt() != null
                  && java.time.Instant.parse(r.getStatus().getExpiresAt())
                      .isAfter(java.time.Instant.now().plus(java.time.Duration.ofMinutes(45))));
      op.awaitPhase("calls-expiring", Phase.Expired);
      op.awaitGone("calls-expiring"); // deleted by the operator once retention is over
      op.client().resource(op.get("calls-deleted")).delete();
      op.awaitGone("calls-deleted");
      op.app().sweeper().sweepOnce();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .until(
              () ->
                  op.client()
                          .resources(DatabaseServer.class)
                          .inNamespace(CONTROL)
                          .withName("calls-not-ready")
                          .get()
                          .getStatus()
                      != null);
      op.client()
          .resources(DatabaseServer.class)
          .inNamespace(CONTROL)
          .withName("calls-not-ready")
          .delete();
    } finally {
      op.close(); // releases the Lease
    }
    List<ApiRequest> requests = KubernetesFixture.get().requestsFrom(AGENT);
    made = new java.util.LinkedHashSet<>();
    namespacesUsed = new TreeSet<>();
    for (ApiRequest r : requests) {
      made.add(call(r));
      String ns = ApiPath.parse(r.path()).namespace();
      if (ns != null) {
        namespacesUsed.add(ns);
      }
    }
  }

  @Test
  void everyCallTheOperatorMadeIsInTheListTheRbacWasBuiltFrom() {
    List<Call> listed = OperatorApiCalls.CALLS;
    assertThat(made).isNotEmpty();
    for (Call call : made) {
      if (call.equals(RULES_REVIEW)) {
        continue;
      }
      assertThat(listed.stream().anyMatch(l -> covers(l, call)))
          .as("operator made %s, which OperatorApiCalls (and so the RBAC) does not have", call)
          .isTrue();
    }
  }

  @Test
  void everyCallInTheListWasMadeSoTheRbacGrantsNothingUnused() {
    List<String> unused =
        OperatorApiCalls.CALLS.stream()
            .filter(l -> !NOT_IN_SCENARIO.containsKey(l))
            .filter(l -> made.stream().noneMatch(call -> covers(l, call)))
            .map(Call::toString)
            .toList();
    assertThat(unused).as("listed (and granted) but never made; calls made: %s", made).isEmpty();
  }

  @Test
  void theRenderedRbacAllowsEveryRecordedCall() {
    Map<String, RbacPolicy> installs =
        Map.of(
            "kustomize cluster-wide",
            RbacPolicy.from(
                RenderedManifests.kustomize(
                    RenderedManifests.deployDir().resolve("kustomize/overlays/cluster-wide"))),
            "helm defaults",
            RbacPolicy.from(RenderedManifests.helm(CONTROL, Map.of())));
    installs.forEach(
        (install, rbac) -> {
          for (ApiRequest r : KubernetesFixture.get().requestsFrom(AGENT)) {
            Call call = call(r);
            if (call.equals(RULES_REVIEW)) {
              continue;
            }
            String ns = ApiPath.parse(r.path()).namespace();
            assertThat(
                    rbac.allows(
                        CONTROL,
                        SA,
                        ns,
                        call.apiGroup(),
                        call.resource(),
                        call.verb(),
                        ApiPath.parse(r.path()).name()))
                .as("%s allows %s %s", install, r.method(), r.path())
                .isTrue();
          }
        });
    assertThat(namespacesUsed).contains(CONTROL, OperatorFixture.REQUESTS_NS);
  }

  /** Whether the listed call (as the RBAC was built from it) covers the call made. */
  private static boolean covers(Call listed, Call made) {
    return listed.apiGroup().equals(made.apiGroup())
        && listed.resource().equals(made.resource())
        && listed.verb().equals(made.verb())
        && (listed.scope() == made.scope() || made.scope() == null)
        && (listed.name() == null || listed.name().equals(made.name()));
  }

  /** An API path taken apart: API group ("" for core), namespace (null if none), resource, name. */
  private record ApiPath(
      String group, String namespace, String resource, String name, String query) {
    static ApiPath parse(String path) {
      URI uri = URI.create(path);
      List<String> parts =
          Arrays.stream(uri.getPath().split("/")).filter(p -> !p.isEmpty()).toList();
      boolean core = parts.get(0).equals("api");
      String group = core ? "" : parts.get(1);
      List<String> rest = parts.subList(core ? 2 : 3, parts.size());
      String namespace = null;
      if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
        namespace = rest.get(1);
        rest = rest.subList(2, rest.size());
      }
      String resource = rest.size() > 2 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
      return new ApiPath(
          group,
          namespace,
          resource,
          rest.size() > 1 ? rest.get(1) : null,
          uri.getQuery() == null ? "" : uri.getQuery());
    }
  }

  /** The RBAC view of one HTTP request: scope, API group, resource[/subresource], verb, name. */
  static Call call(ApiRequest r) {
    ApiPath p = ApiPath.parse(r.path());
    String verb =
        switch (r.method()) {
          case "GET" ->
              p.name() != null ? "get" : p.query().contains("watch=true") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> p.name() != null ? "delete" : "deletecollection";
          default -> r.method();
        };
    Scope scope =
        p.namespace() == null
            ? null
            : p.namespace().equals(CONTROL) ? Scope.CONTROL : Scope.WATCHED;
    boolean named = p.group().equals("coordination.k8s.io") && !verb.equals("create");
    return new Call(scope, p.group(), p.resource(), verb, named ? p.name() : null);
  }
}
