package dev.tempdb.operator.deploy;

import static dev.tempdb.operator.deploy.RenderedManifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Renders deploy/kustomize's overlays with {@code kubectl kustomize} and checks them. */
class KustomizeManifestsTest {
  private static final String CONTROL = "tempdb-system";
  private static final String SA = "tempdb-operator";

  private static List<HasMetadata> overlay(String name) {
    return RenderedManifests.kustomize(
        RenderedManifests.deployDir().resolve("kustomize/overlays/" + name));
  }

  @Test
  void clusterWideRendersTheOperatorWithAClusterRoleForRequests() {
    List<HasMetadata> objects = overlay("cluster-wide");

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains(
            "Namespace",
            "CustomResourceDefinition",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "Deployment",
            "Service");
    assertThat(RenderedManifests.ofKind(objects, "CustomResourceDefinition", HasMetadata.class))
        .extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "accesstargets.tempdb.dev",
            "databaseservers.tempdb.dev",
            "temporarydbaccesses.tempdb.dev");
    Deployment deployment = single(objects, "Deployment", Deployment.class);
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo(CONTROL);
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(SA);
    OperatorDeploymentChecks.assertSecureAndProbed(deployment);
    Map<String, String> settings = OperatorDeploymentChecks.settings(deployment, objects);
    assertThat(settings).containsEntry("TEMPDB_WATCH_NAMESPACES", "");
    assertSettings(settings);
    assertMetricsService(objects);

    RbacPolicy rbac = RbacPolicy.from(objects);
    OperatorApiCalls.assertAllowsExactlyTheOperatorsCalls(rbac, CONTROL, SA, CONTROL, List.of());
    assertNeverAllowed(rbac, "team-a");
  }

  @Test
  void singleNamespaceHasNoClusterWideRights() {
    List<HasMetadata> objects = overlay("single-namespace");

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding")
        .contains("Role", "RoleBinding", "Deployment", "ConfigMap", "Service");
    Deployment deployment = single(objects, "Deployment", Deployment.class);
    OperatorDeploymentChecks.assertSecureAndProbed(deployment);
    Map<String, String> settings = OperatorDeploymentChecks.settings(deployment, objects);
    assertThat(settings).containsEntry("TEMPDB_WATCH_NAMESPACES", "tempdb-requests");
    assertSettings(settings);

    RbacPolicy rbac = RbacPolicy.from(objects);
    OperatorApiCalls.assertAllowsExactlyTheOperatorsCalls(
        rbac, CONTROL, SA, CONTROL, List.of("tempdb-requests"));
    assertNeverAllowed(rbac, "tempdb-requests");
    // Nothing outside the two namespaces, nothing across all namespaces.
    assertThat(rbac.grants(CONTROL, SA))
        .extracting(RbacPolicy.Grant::namespace)
        .containsOnly(CONTROL, "tempdb-requests");
    assertThat(rbac.allows(CONTROL, SA, "team-a", "", "secrets", "get")).isFalse();
    assertThat(rbac.allows(CONTROL, SA, null, "", "secrets", "get")).isFalse();
    assertThat(rbac.allows(CONTROL, SA, null, "tempdb.dev", "temporarydbaccesses", "list"))
        .isFalse();
    // Admin credential Secrets in the control namespace: read only.
    assertThat(rbac.allows(CONTROL, SA, CONTROL, "", "secrets", "delete")).isFalse();
    assertThat(rbac.allows(CONTROL, SA, CONTROL, "", "secrets", "update")).isFalse();
  }

  /** What the operator must not be able to do in either overlay. */
  static void assertNeverAllowed(RbacPolicy rbac, String watched) {
    String sa = SA;
    String ns = CONTROL;
    // No listing of Secrets where requests live, none across all namespaces. (Watching all
    // namespaces, it can get a Secret by name anywhere: RBAC cannot limit that to *-credentials.)
    for (String verb : List.of("list", "watch")) {
      assertThat(rbac.allows(ns, sa, watched, "", "secrets", verb)).isFalse();
      assertThat(rbac.allows(ns, sa, null, "", "secrets", verb)).isFalse();
    }
    // Namespaces, nodes, pods: nothing.
    for (String verb : List.of("get", "list", "create", "delete")) {
      assertThat(rbac.allows(ns, sa, null, "", "namespaces", verb)).isFalse();
      assertThat(rbac.allows(ns, sa, null, "", "nodes", verb)).isFalse();
      assertThat(rbac.allows(ns, sa, ns, "", "pods", verb)).isFalse();
      assertThat(rbac.allows(ns, sa, watched, "", "pods", verb)).isFalse();
    }
    // CRDs are installed by the admin, not the operator.
    for (String verb : List.of("get", "list", "create", "update", "patch", "delete")) {
      assertThat(
              rbac.allows(ns, sa, null, "apiextensions.k8s.io", "customresourcedefinitions", verb))
          .isFalse();
    }
    // Requests are created by people or the Sym bridge, never by the operator.
    assertThat(rbac.allows(ns, sa, watched, "tempdb.dev", "temporarydbaccesses", "create"))
        .isFalse();
    // Its control-plane objects are read-only (status aside).
    for (String kind : List.of("databaseservers", "accesstargets")) {
      for (String verb : List.of("create", "update", "patch", "delete")) {
        assertThat(rbac.allows(ns, sa, ns, "tempdb.dev", kind, verb)).isFalse();
      }
    }
    assertThat(rbac.allows(ns, sa, ns, "", "configmaps", "update")).isFalse();
    assertThat(rbac.allows(ns, sa, watched, "", "configmaps", "get")).isFalse();
    // Only its own Lease.
    assertThat(rbac.allows(ns, sa, ns, "coordination.k8s.io", "leases", "update", "other"))
        .isFalse();
    assertThat(rbac.allows(ns, sa, ns, "coordination.k8s.io", "leases", "list")).isFalse();
    assertThat(
            rbac.allows(ns, sa, ns, "coordination.k8s.io", "leases", "delete", "tempdb-operator"))
        .isFalse();
    // No escalation paths.
    assertThat(rbac.allows(ns, sa, ns, "rbac.authorization.k8s.io", "rolebindings", "create"))
        .isFalse();
    assertThat(rbac.allows(ns, sa, ns, "", "serviceaccounts/token", "create")).isFalse();
  }

  private static void assertSettings(Map<String, String> settings) {
    assertThat(settings)
        .containsEntry("TEMPDB_LEADER_ELECTION_ENABLED", "true")
        .containsEntry("TEMPDB_LEADER_ELECTION_LEASE_NAME", OperatorApiCalls.LEASE)
        .containsEntry("TEMPDB_MANAGEMENT_PORT", "8080")
        .containsEntry("TEMPDB_AWS_ENABLED", "false")
        .doesNotContainKey("TEMPDB_CONTROL_NAMESPACE"); // follows POD_NAMESPACE
    // The operator refuses to start with any other TEMPDB_AWS_* key while AWS delivery is off.
    assertThat(settings.keySet())
        .filteredOn(k -> k.startsWith("TEMPDB_AWS_"))
        .containsExactly("TEMPDB_AWS_ENABLED");
    assertThat(settings.keySet()).allMatch(k -> k.startsWith("TEMPDB_"));
  }

  private static void assertMetricsService(List<HasMetadata> objects) {
    Service service = single(objects, "Service", Service.class);
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("metrics");
              assertThat(p.getPort()).isEqualTo(8080);
            });
    Deployment deployment = single(objects, "Deployment", Deployment.class);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
  }
}
