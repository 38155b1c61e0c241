package dev.tempdb.operator.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Kubernetes RBAC authorization over a set of rendered objects (Roles, ClusterRoles and their
 * bindings), for asking what a service account may do. Follows the API server's RBAC authorizer:
 *
 * <ul>
 *   <li>a ClusterRoleBinding grants its ClusterRole's rules in every namespace and for
 *       cluster-scoped and all-namespaces requests;
 *   <li>a RoleBinding grants its Role's or ClusterRole's rules in the binding's namespace only;
 *   <li>an all-namespaces list/watch or a cluster-scoped resource ({@code namespace == null}) is
 *       granted only through ClusterRoleBindings;
 *   <li>{@code "*"} matches any group, resource or verb; {@code "*}/x"} any resource's x
 *       subresource; a plain resource does not match its subresources;
 *   <li>a rule with resourceNames grants only requests for one of those names (so never list, watch
 *       without a field selector, or create).
 * </ul>
 *
 * <p>Subjects match a service account by ServiceAccount kind, by its user name {@code
 * system:serviceaccount:<ns>:<name>}, or by the groups {@code system:serviceaccounts}, {@code
 * system:serviceaccounts:<ns>} and {@code system:authenticated}. Aggregated ClusterRoles and
 * non-resource URLs are not evaluated (only the rules written in the objects count).
 */
public final class RbacPolicy {
  private final Map<String, List<PolicyRule>> clusterRoles;
  private final Map<String, List<PolicyRule>> roles; // key: namespace/name
  private final List<ClusterRoleBinding> clusterRoleBindings;
  private final List<RoleBinding> roleBindings;

  /**
   * One verb on one resource that a binding grants.
   *
   * @param namespace where it applies; null for all namespaces and cluster-scoped resources
   * @param resourceNames the rule's resourceNames; empty means any name
   */
  public record Grant(
      String namespace, String apiGroup, String resource, String verb, List<String> resourceNames) {
    @Override
    public String toString() {
      return (namespace == null ? "<cluster>" : namespace)
          + " "
          + (apiGroup.isEmpty() ? "core" : apiGroup)
          + "/"
          + resource
          + " "
          + verb
          + (resourceNames.isEmpty() ? "" : " " + resourceNames);
    }
  }

  private RbacPolicy(List<HasMetadata> objects) {
    clusterRoles =
        RenderedManifests.ofKind(objects, "ClusterRole", ClusterRole.class).stream()
            .collect(
                Collectors.toMap(
                    r -> r.getMetadata().getName(), r -> nonNull(r.getRules()), (a, b) -> a));
    roles =
        RenderedManifests.ofKind(objects, "Role", Role.class).stream()
            .collect(
                Collectors.toMap(
                    r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
                    r -> nonNull(r.getRules()),
                    (a, b) -> a));
    clusterRoleBindings =
        RenderedManifests.ofKind(objects, "ClusterRoleBinding", ClusterRoleBinding.class);
    roleBindings = RenderedManifests.ofKind(objects, "RoleBinding", RoleBinding.class);
  }

  /** The policy of the RBAC objects among {@code objects}; other kinds are ignored. */
  public static RbacPolicy from(List<HasMetadata> objects) {
    return new RbacPolicy(objects);
  }

  /**
   * Whether the service account may make the request.
   *
   * @param namespace the request's namespace; null for cluster-scoped resources and for
   *     all-namespaces list/watch
   * @param apiGroup "" for the core group
   * @param resource e.g. {@code "temporarydbaccesses"} or {@code "temporarydbaccesses/status"}
   */
  public boolean allows(
      String serviceAccountNamespace,
      String serviceAccountName,
      String namespace,
      String apiGroup,
      String resource,
      String verb) {
    return allows(
        serviceAccountNamespace, serviceAccountName, namespace, apiGroup, resource, verb, null);
  }

  /** As above, for a request on the named object ({@code resourceName} may be null). */
  public boolean allows(
      String serviceAccountNamespace,
      String serviceAccountName,
      String namespace,
      String apiGroup,
      String resource,
      String verb,
      String resourceName) {
    for (ClusterRoleBinding binding : clusterRoleBindings) {
      if (bindsTo(binding.getSubjects(), serviceAccountNamespace, serviceAccountName, null)
          && anyMatches(
              rulesOf(binding.getRoleRef(), null), apiGroup, resource, verb, resourceName)) {
        return true;
      }
    }
    if (namespace == null) {
      return false;
    }
    for (RoleBinding binding : roleBindings) {
      String bindingNamespace = binding.getMetadata().getNamespace();
      if (namespace.equals(bindingNamespace)
          && bindsTo(
              binding.getSubjects(), serviceAccountNamespace, serviceAccountName, bindingNamespace)
          && anyMatches(
              rulesOf(binding.getRoleRef(), bindingNamespace),
              apiGroup,
              resource,
              verb,
              resourceName)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Everything the service account is granted, one entry per (namespace, group, resource, verb) of
   * each rule that reaches it, so a test can check that each is used.
   */
  public List<Grant> grants(String serviceAccountNamespace, String serviceAccountName) {
    List<Grant> grants = new ArrayList<>();
    for (ClusterRoleBinding binding : clusterRoleBindings) {
      if (bindsTo(binding.getSubjects(), serviceAccountNamespace, serviceAccountName, null)) {
        expand(null, rulesOf(binding.getRoleRef(), null), grants);
      }
    }
    for (RoleBinding binding : roleBindings) {
      String ns = binding.getMetadata().getNamespace();
      if (bindsTo(binding.getSubjects(), serviceAccountNamespace, serviceAccountName, ns)) {
        expand(ns, rulesOf(binding.getRoleRef(), ns), grants);
      }
    }
    return grants;
  }

  /** {@link #grants} as readable lines, e.g. {@code "tempdb-system core/secrets get"}. */
  public List<String> rules(String serviceAccountNamespace, String serviceAccountName) {
    return grants(serviceAccountNamespace, serviceAccountName).stream()
        .map(Grant::toString)
        .toList();
  }

  private static void expand(String namespace, List<PolicyRule> rules, List<Grant> into) {
    for (PolicyRule rule : rules) {
      for (String group : nonNull(rule.getApiGroups())) {
        for (String resource : nonNull(rule.getResources())) {
          for (String verb : nonNull(rule.getVerbs())) {
            into.add(new Grant(namespace, group, resource, verb, nonNull(rule.getResourceNames())));
          }
        }
      }
    }
  }

  private List<PolicyRule> rulesOf(RoleRef ref, String bindingNamespace) {
    if (ref == null) {
      return List.of();
    }
    if ("ClusterRole".equals(ref.getKind())) {
      return clusterRoles.getOrDefault(ref.getName(), List.of());
    }
    if ("Role".equals(ref.getKind()) && bindingNamespace != null) {
      return roles.getOrDefault(bindingNamespace + "/" + ref.getName(), List.of());
    }
    return List.of(); // a ClusterRoleBinding cannot refer to a Role
  }

  private static boolean bindsTo(
      List<Subject> subjects, String saNamespace, String saName, String bindingNamespace) {
    for (Subject s : nonNull(subjects)) {
      String kind = s.getKind();
      if ("ServiceAccount".equals(kind)) {
        String ns = s.getNamespace() == null ? bindingNamespace : s.getNamespace();
        if (saName.equals(s.getName()) && saNamespace.equals(ns)) {
          return true;
        }
      } else if ("User".equals(kind)) {
        if (("system:serviceaccount:" + saNamespace + ":" + saName).equals(s.getName())) {
          return true;
        }
      } else if ("Group".equals(kind)) {
        if (List.of(
                "system:serviceaccounts",
                "system:serviceaccounts:" + saNamespace,
                "system:authenticated")
            .contains(s.getName())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean anyMatches(
      List<PolicyRule> rules, String apiGroup, String resource, String verb, String name) {
    return rules.stream().anyMatch(r -> matches(r, apiGroup, resource, verb, name));
  }

  static boolean matches(
      PolicyRule rule, String apiGroup, String resource, String verb, String name) {
    List<String> groups = nonNull(rule.getApiGroups());
    if (!groups.contains("*") && !groups.contains(apiGroup)) {
      return false;
    }
    List<String> verbs = nonNull(rule.getVerbs());
    if (!verbs.contains("*") && !verbs.contains(verb)) {
      return false;
    }
    if (nonNull(rule.getResources()).stream().noneMatch(r -> resourceMatches(r, resource))) {
      return false;
    }
    List<String> names = nonNull(rule.getResourceNames());
    return names.isEmpty() || (name != null && names.contains(name));
  }

  private static boolean resourceMatches(String ruleResource, String requested) {
    if (ruleResource.equals("*") || ruleResource.equals(requested)) {
      return true;
    }
    int slash = requested.indexOf('/');
    return slash >= 0 && ruleResource.equals("*" + requested.substring(slash));
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
  }
}
