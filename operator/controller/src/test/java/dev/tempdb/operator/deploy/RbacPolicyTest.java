package dev.tempdb.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RbacPolicyTest {
  private static final RbacPolicy POLICY =
      RbacPolicy.from(
          RenderedManifests.parse(
              """
              apiVersion: rbac.authorization.k8s.io/v1
              kind: ClusterRole
              metadata: {name: reader}
              rules:
                - apiGroups: [""]
                  resources: ["configmaps"]
                  verbs: ["get", "list", "watch"]
                - apiGroups: ["apps"]
                  resources: ["*/scale"]
                  verbs: ["*"]
              ---
              apiVersion: rbac.authorization.k8s.io/v1
              kind: ClusterRole
              metadata: {name: crd-writer}
              rules:
                - apiGroups: ["apiextensions.k8s.io"]
                  resources: ["customresourcedefinitions"]
                  verbs: ["create"]
              ---
              apiVersion: rbac.authorization.k8s.io/v1
              kind: Role
              metadata: {name: lease, namespace: ctl}
              rules:
                - apiGroups: ["coordination.k8s.io"]
                  resources: ["leases"]
                  resourceNames: ["mine"]
                  verbs: ["get", "update"]
                - apiGroups: ["tempdb.dev"]
                  resources: ["things"]
                  verbs: ["patch"]
              ---
              apiVersion: rbac.authorization.k8s.io/v1
              kind: RoleBinding
              metadata: {name: lease, namespace: ctl}
              roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: lease}
              subjects: [{kind: ServiceAccount, name: op, namespace: ctl}]
              ---
              # A ClusterRole bound in one namespace only.
              apiVersion: rbac.authorization.k8s.io/v1
              kind: RoleBinding
              metadata: {name: reader, namespace: team-a}
              roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
              subjects: [{kind: ServiceAccount, name: op, namespace: ctl}]
              ---
              apiVersion: rbac.authorization.k8s.io/v1
              kind: ClusterRoleBinding
              metadata: {name: crd-writer}
              roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: crd-writer}
              subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts:other"}]
              """));

  @Test
  void aRoleBindingToAClusterRoleGrantsItInThatNamespaceOnly() {
    assertThat(POLICY.allows("ctl", "op", "team-a", "", "configmaps", "list")).isTrue();
    assertThat(POLICY.allows("ctl", "op", "team-b", "", "configmaps", "list")).isFalse();
    assertThat(POLICY.allows("ctl", "op", null, "", "configmaps", "list"))
        .as("all-namespaces list needs a ClusterRoleBinding")
        .isFalse();
  }

  @Test
  void verbsResourcesAndGroupsMustMatch() {
    assertThat(POLICY.allows("ctl", "op", "team-a", "", "configmaps", "delete")).isFalse();
    assertThat(POLICY.allows("ctl", "op", "team-a", "", "secrets", "get")).isFalse();
    assertThat(POLICY.allows("ctl", "op", "team-a", "apps", "configmaps", "get")).isFalse();
    assertThat(POLICY.allows("ctl", "op", "ctl", "tempdb.dev", "things", "patch")).isTrue();
    assertThat(POLICY.allows("ctl", "op", "ctl", "tempdb.dev", "things/status", "patch"))
        .as("a resource does not cover its subresources")
        .isFalse();
  }

  @Test
  void wildcardsMatchAsOnTheApiServer() {
    assertThat(POLICY.allows("ctl", "op", "team-a", "apps", "deployments/scale", "update"))
        .isTrue();
    assertThat(POLICY.allows("ctl", "op", "team-a", "apps", "deployments", "update")).isFalse();
  }

  @Test
  void resourceNamesLimitToNamedRequests() {
    assertThat(POLICY.allows("ctl", "op", "ctl", "coordination.k8s.io", "leases", "get", "mine"))
        .isTrue();
    assertThat(POLICY.allows("ctl", "op", "ctl", "coordination.k8s.io", "leases", "get", "x"))
        .isFalse();
    assertThat(POLICY.allows("ctl", "op", "ctl", "coordination.k8s.io", "leases", "get"))
        .as("no name (a list, a create) is not covered by resourceNames")
        .isFalse();
  }

  @Test
  void subjectsMatchByServiceAccountAndGroup() {
    assertThat(POLICY.allows("other", "op", "ctl", "coordination.k8s.io", "leases", "get", "mine"))
        .isFalse();
    assertThat(
            POLICY.allows(
                "other",
                "anyone",
                null,
                "apiextensions.k8s.io",
                "customresourcedefinitions",
                "create"))
        .isTrue();
    assertThat(
            POLICY.allows(
                "ctl", "op", null, "apiextensions.k8s.io", "customresourcedefinitions", "create"))
        .isFalse();
  }

  @Test
  void grantsListsEveryPermissionWhereItApplies() {
    assertThat(POLICY.rules("ctl", "op"))
        .containsExactlyInAnyOrder(
            "ctl coordination.k8s.io/leases get [mine]",
            "ctl coordination.k8s.io/leases update [mine]",
            "ctl tempdb.dev/things patch",
            "team-a core/configmaps get",
            "team-a core/configmaps list",
            "team-a core/configmaps watch",
            "team-a apps/*/scale *");
    assertThat(POLICY.grants("other", "op"))
        .extracting(RbacPolicy.Grant::namespace)
        .containsExactly((String) null);
    assertThat(POLICY.grants("nobody", "x")).isEqualTo(List.of());
  }
}
