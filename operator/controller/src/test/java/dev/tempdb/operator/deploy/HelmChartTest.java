package dev.tempdb.operator.deploy;

import static dev.tempdb.operator.deploy.RenderedManifests.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.tempdb.core.testing.ProjectFiles;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Lints and renders deploy/helm/tempdb-operator with helm-java and checks the output. */
class HelmChartTest {
  private static final String NS = "tempdb-system";
  private static final String SA = "tempdb-operator";

  @Test
  void lintPasses() {
    LintResult lint = new Helm(RenderedManifests.chart()).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void defaultsWatchAllNamespacesWithAClusterRole() {
    List<HasMetadata> objects = RenderedManifests.helm(NS, Map.of());

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            "ServiceAccount",
            "ConfigMap",
            "Role",
            "RoleBinding",
            "ClusterRole",
            "ClusterRoleBinding",
            "Deployment",
            "Service");
    Deployment deployment = single(objects, "Deployment", Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("ghcr.io/tempdb/tempdb-operator:0.1.0");
    OperatorDeploymentChecks.assertSecureAndProbed(deployment);
    Map<String, String> settings = OperatorDeploymentChecks.settings(deployment, objects);
    assertThat(settings)
        .containsEntry("TEMPDB_CONTROL_NAMESPACE", NS)
        .containsEntry("TEMPDB_WATCH_NAMESPACES", "")
        .containsEntry("TEMPDB_LEADER_ELECTION_ENABLED", "true")
        .containsEntry("TEMPDB_LEADER_ELECTION_LEASE_NAME", OperatorApiCalls.LEASE)
        .containsEntry("TEMPDB_MANAGEMENT_PORT", "8080")
        .containsEntry("TEMPDB_AWS_ENABLED", "false");
    assertThat(settings.keySet())
        .filteredOn(k -> k.startsWith("TEMPDB_AWS_"))
        .as("any other TEMPDB_AWS_* key stops the operator while AWS delivery is off")
        .containsExactly("TEMPDB_AWS_ENABLED");

    RbacPolicy rbac = RbacPolicy.from(objects);
    OperatorApiCalls.assertAllowsExactlyTheOperatorsCalls(rbac, NS, SA, NS, List.of());
    KustomizeManifestsTest.assertNeverAllowed(rbac, "team-a");
  }

  @Test
  void watchNamespacesGetARoleEachAndNoClusterRole() {
    List<HasMetadata> objects =
        RenderedManifests.helm(NS, Map.of("watchNamespaces[0]", "a", "watchNamespaces[1]", "b"));

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding");
    Deployment deployment = single(objects, "Deployment", Deployment.class);
    assertThat(OperatorDeploymentChecks.settings(deployment, objects))
        .containsEntry("TEMPDB_WATCH_NAMESPACES", "a,b");

    RbacPolicy rbac = RbacPolicy.from(objects);
    OperatorApiCalls.assertAllowsExactlyTheOperatorsCalls(rbac, NS, SA, NS, List.of("a", "b"));
    KustomizeManifestsTest.assertNeverAllowed(rbac, "a");
    assertThat(rbac.grants(NS, SA))
        .extracting(RbacPolicy.Grant::namespace)
        .containsOnly(NS, "a", "b");
    assertThat(rbac.allows(NS, SA, "c", "", "secrets", "get")).isFalse();
    assertThat(rbac.allows(NS, SA, NS, "", "secrets", "delete")).isFalse();
  }

  @Test
  void aSeparateControlNamespaceGetsTheControlRole() {
    List<HasMetadata> objects =
        RenderedManifests.helm(
            "operators", Map.of("controlNamespace", "tempdb-config", "watchNamespaces[0]", "a"));

    RbacPolicy rbac = RbacPolicy.from(objects);
    OperatorApiCalls.assertAllowsExactlyTheOperatorsCalls(
        rbac, "operators", SA, "tempdb-config", List.of("a"));
    Deployment deployment = single(objects, "Deployment", Deployment.class);
    assertThat(OperatorDeploymentChecks.settings(deployment, objects))
        .containsEntry("TEMPDB_CONTROL_NAMESPACE", "tempdb-config");
  }

  @Test
  void serviceMonitorOnlyWhenEnabled() {
    assertThat(RenderedManifests.helm(NS, Map.of()))
        .extracting(HasMetadata::getKind)
        .doesNotContain("ServiceMonitor");

    List<HasMetadata> objects =
        RenderedManifests.helm(
            NS,
            Map.of(
                "metrics.serviceMonitor.enabled", "true",
                "metrics.serviceMonitor.labels.release", "prometheus"));
    GenericKubernetesResource monitor =
        single(objects, "ServiceMonitor", GenericKubernetesResource.class);
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    @SuppressWarnings("unchecked")
    var endpoint =
        ((List<Map<String, Object>>)
                ((Map<String, Object>) monitor.getAdditionalProperties().get("spec"))
                    .get("endpoints"))
            .get(0);
    assertThat(endpoint).containsEntry("port", "metrics").containsEntry("path", "/metrics");
  }

  @Test
  void awsSettingsAndIrsaAnnotation() {
    List<HasMetadata> objects =
        RenderedManifests.helm(
            NS,
            Map.of(
                "aws.enabled", "true",
                "aws.region", "eu-west-1",
                "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn",
                    "arn:aws:iam::123456789012:role/tempdb-operator"));
    Deployment deployment = single(objects, "Deployment", Deployment.class);
    assertThat(OperatorDeploymentChecks.settings(deployment, objects))
        .containsEntry("TEMPDB_AWS_ENABLED", "true")
        .containsEntry("TEMPDB_AWS_REGION", "eu-west-1")
        .doesNotContainKey("TEMPDB_AWS_ENDPOINT");
    assertThat(
            single(objects, "ServiceAccount", ServiceAccount.class).getMetadata().getAnnotations())
        .containsEntry(
            "eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/tempdb-operator");
  }

  @Test
  void leaderElectionOffDropsTheLeaseRulesAndForbidsReplicas() {
    RbacPolicy rbac =
        RbacPolicy.from(RenderedManifests.helm(NS, Map.of("leaderElection.enabled", "false")));
    assertThat(rbac.rules(NS, SA)).noneMatch(r -> r.contains("leases"));

    assertThatThrownBy(
            () ->
                RenderedManifests.helm(
                    NS, Map.of("leaderElection.enabled", "false", "replicaCount", "2")))
        .hasMessageContaining("leaderElection.enabled=true");
  }

  @Test
  void chartCrdsAreTheTopLevelCrds() throws IOException {
    Path top = ProjectFiles.topLevel("crds");
    Path chart = RenderedManifests.chart().resolve("crds");
    assertThat(yamlFiles(chart))
        .as("copy crds/*.yaml to deploy/helm/tempdb-operator/crds/")
        .isEqualTo(yamlFiles(top));
    for (String name : yamlFiles(top)) {
      assertThat(Files.readString(chart.resolve(name)))
          .as("copy crds/*.yaml to deploy/helm/tempdb-operator/crds/ (%s differs)", name)
          .isEqualTo(Files.readString(top.resolve(name)));
    }
  }

  private static List<String> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".yaml") || f.endsWith(".yml") || f.endsWith(".json"))
          .sorted()
          .toList();
    }
  }
}
