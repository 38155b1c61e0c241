package dev.tempdb.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes API calls the operator makes, by scope, as the install's RBAC must allow them
 * (docs/install.md#rbac), and a check that a rendered policy allows each and grants nothing else.
 */
public final class OperatorApiCalls {
  private OperatorApiCalls() {}

  /** Where a call goes: the control namespace, or each watched namespace. */
  public enum Scope {
    CONTROL,
    WATCHED
  }

  /**
   * @param name the object's name when RBAC may be limited to it, else null
   */
  public record Call(Scope scope, String apiGroup, String resource, String verb, String name) {}

  public static final String LEASE = "tempdb-operator";
  private static final String TEMPDB = "tempdb.dev";

  /**
   * Every call, from the code (see the comments in the RBAC manifests). RecordedApiCallsIT checks
   * it against the calls a running operator makes.
   */
  public static final List<Call> CALLS = calls();

  /**
   * Permissions checked by admission, not used as API calls: a Secret's ownerReference with
   * blockOwnerDeletion needs update on the owner's finalizers where the
   * OwnerReferencesPermissionEnforcement plugin is on.
   */
  public static final List<Call> ADMISSION_CHECKS =
      List.of(new Call(Scope.WATCHED, TEMPDB, "temporarydbaccesses/finalizers", "update", null));

  private static List<Call> calls() {
    List<Call> calls = new ArrayList<>();
    for (String kind : List.of("databaseservers", "accesstargets")) {
      for (String verb : List.of("list", "watch")) {
        calls.add(new Call(Scope.CONTROL, TEMPDB, kind, verb, null));
      }
      calls.add(new Call(Scope.CONTROL, TEMPDB, kind + "/status", "patch", null));
    }
    for (String resource : List.of("secrets", "configmaps")) {
      for (String verb : List.of("get", "list", "watch")) {
        calls.add(new Call(Scope.CONTROL, "", resource, verb, null));
      }
    }
    calls.add(new Call(Scope.CONTROL, "coordination.k8s.io", "leases", "create", null));
    calls.add(new Call(Scope.CONTROL, "coordination.k8s.io", "leases", "get", LEASE));
    calls.add(new Call(Scope.CONTROL, "coordination.k8s.io", "leases", "update", LEASE));
    calls.add(new Call(Scope.CONTROL, "coordination.k8s.io", "leases", "patch", LEASE));

    for (String verb : List.of("get", "list", "watch", "patch", "delete")) {
      calls.add(new Call(Scope.WATCHED, TEMPDB, "temporarydbaccesses", verb, null));
    }
    calls.add(new Call(Scope.WATCHED, TEMPDB, "temporarydbaccesses/status", "patch", null));
    for (String verb : List.of("get", "create", "update", "patch", "delete")) {
      calls.add(new Call(Scope.WATCHED, "", "secrets", verb, null));
    }
    calls.add(new Call(Scope.WATCHED, "", "events", "create", null));
    return List.copyOf(calls);
  }

  /**
   * Asserts that the service account may make every call in {@link #CALLS} (and {@link
   * #ADMISSION_CHECKS}) and that every permission it has serves one of them.
   *
   * @param watched the watched namespaces; empty means all
   */
  public static void assertAllowsExactlyTheOperatorsCalls(
      RbacPolicy policy,
      String saNamespace,
      String saName,
      String controlNamespace,
      List<String> watched) {
    List<Call> needed = new ArrayList<>(CALLS);
    needed.addAll(ADMISSION_CHECKS);
    for (Call call : needed) {
      for (String ns : namespacesOf(call, controlNamespace, watched)) {
        assertThat(
                policy.allows(
                    saNamespace,
                    saName,
                    ns,
                    call.apiGroup(),
                    call.resource(),
                    call.verb(),
                    call.name()))
            .as("%s may %s %s in %s", saName, call.verb(), call.resource(), ns)
            .isTrue();
      }
    }
    for (RbacPolicy.Grant grant : policy.grants(saNamespace, saName)) {
      assertThat(needed.stream().anyMatch(call -> serves(grant, call, controlNamespace, watched)))
          .as("granted but not used by the operator: %s", grant)
          .isTrue();
    }
  }

  /** Namespaces to check a call in; null stands for all namespaces (cluster-wide list/watch). */
  private static List<String> namespacesOf(
      Call call, String controlNamespace, List<String> watched) {
    if (call.scope() == Scope.CONTROL) {
      return List.of(controlNamespace);
    }
    if (!watched.isEmpty()) {
      return watched;
    }
    List<String> namespaces = new ArrayList<>(List.of(controlNamespace, "team-a", "default"));
    if (List.of("list", "watch").contains(call.verb())) {
      namespaces.add(null);
    }
    return namespaces;
  }

  private static boolean serves(
      RbacPolicy.Grant grant, Call call, String controlNamespace, List<String> watched) {
    if (!grant.apiGroup().equals(call.apiGroup())
        || !grant.resource().equals(call.resource())
        || !grant.verb().equals(call.verb())) {
      return false;
    }
    if (!grant.resourceNames().isEmpty() && !grant.resourceNames().contains(call.name())) {
      return false;
    }
    if (call.name() != null && grant.resourceNames().isEmpty()) {
      return false; // the call is on one object: the grant should be limited to it
    }
    return call.scope() == Scope.CONTROL
        ? controlNamespace.equals(grant.namespace())
        : watched.isEmpty() ? grant.namespace() == null : watched.contains(grant.namespace());
  }
}
