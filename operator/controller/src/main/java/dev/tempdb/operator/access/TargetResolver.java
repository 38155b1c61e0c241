package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.KeyRef;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.SqlSource;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.UserMapping;
import dev.tempdb.core.lease.LeasePolicy;
import dev.tempdb.core.rolegrant.DatabaseUsers;
import dev.tempdb.operator.status.Conditions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Looks up the AccessTarget and DatabaseServer of a request in the control namespace (from the
 * informer caches) and reads the target's SQL.
 */
public final class TargetResolver {
  private final ControlNamespace objects;
  private final String controlNamespace;

  public TargetResolver(ControlNamespace objects) {
    this.objects = objects;
    this.controlNamespace = objects.name();
  }

  /**
   * @throws TargetUnavailableException when the target or its server is missing or not Ready
   */
  public ResolvedTarget resolve(TemporaryDbAccess access) {
    String name = access.getSpec().getTarget();
    AccessTarget target =
        target(name)
            .orElseThrow(
                () ->
                    new TargetUnavailableException(
                        Reasons.TARGET_NOT_FOUND,
                        "AccessTarget "
                            + name
                            + " does not exist in namespace "
                            + controlNamespace
                            + "; check spec.target"));
    var status = target.getStatus();
    if (status == null
        || !Conditions.isTrue(status.getConditions(), Conditions.READY)
        || !target.getMetadata().getGeneration().equals(status.getObservedGeneration())) {
      String why =
          status == null
              ? "not checked yet"
              : Conditions.find(status.getConditions(), Conditions.READY)
                  .map(c -> c.getMessage())
                  .orElse("not checked yet");
      throw new TargetUnavailableException(
          Reasons.TARGET_NOT_READY, "AccessTarget " + name + " is not Ready: " + why);
    }
    DatabaseServer server =
        server(target.getSpec().getServer())
            .orElseThrow(
                () ->
                    new TargetUnavailableException(
                        Reasons.TARGET_NOT_READY,
                        "DatabaseServer " + target.getSpec().getServer() + " does not exist"));
    // RoleGrant publishes nothing, whatever the request asks for.
    List<DeliveryMethod> delivery =
        target.getSpec().getStrategy() == Strategy.RoleGrant
            ? List.of()
            : access.getSpec().getDelivery() != null
                ? access.getSpec().getDelivery()
                : target.getSpec().getDelivery() != null
                    ? target.getSpec().getDelivery()
                    : List.of(DeliveryMethod.KubernetesSecret);
    return new ResolvedTarget(
        target,
        server,
        new LeasePolicy(target.getSpec().getDefaultTtl(), target.getSpec().getMaxTtl()),
        sql(target.getSpec().getGrant(), "spec.grant"),
        sql(target.getSpec().getRevoke(), "spec.revoke"),
        delivery);
  }

  /**
   * A RoleGrant target's explicit map from requester to database user; empty when it has none.
   *
   * @throws TargetUnavailableException when the ConfigMap or key is missing or unreadable
   */
  public Map<String, String> userMap(AccessTarget target) {
    UserMapping mapping = target.getSpec().getUserMapping();
    if (mapping == null || mapping.getMapRef() == null) {
      return Map.of();
    }
    KeyRef ref = mapping.getMapRef();
    String yaml =
        value(ref)
            .orElseThrow(
                () ->
                    new TargetUnavailableException(
                        Reasons.USER_MAP_NOT_FOUND,
                        ConfigMapKeys.notFound(ref, "spec.userMapping.mapRef", controlNamespace)));
    try {
      return DatabaseUsers.parseMap(yaml, ref + " (spec.userMapping.mapRef)");
    } catch (IllegalArgumentException e) {
      throw new TargetUnavailableException(Reasons.INVALID_SPEC, e.getMessage());
    }
  }

  private Optional<String> value(KeyRef ref) {
    return ConfigMapKeys.value(objects.configMap(ref.getName()), ref);
  }

  public String controlNamespace() {
    return controlNamespace;
  }

  public Optional<AccessTarget> target(String name) {
    return objects.target(name);
  }

  public Optional<DatabaseServer> server(String name) {
    return objects.server(name);
  }

  /**
   * Why a SqlSource with neither inline SQL nor a ConfigMap key is refused. The CRD's CEL rule
   * refuses it already; an API server without CEL may let it through.
   */
  static String noSqlSource(String field) {
    return field + " sets neither inline nor configMapKeyRef; set one of them";
  }

  /**
   * Reads inline SQL or a ConfigMap key.
   *
   * @throws TargetUnavailableException when the ConfigMap or key is missing
   */
  public String sql(SqlSource source, String field) {
    if (source == null) {
      return null;
    }
    if (source.getInline() != null) {
      return source.getInline();
    }
    var ref = source.getConfigMapKeyRef();
    if (ref == null) {
      throw new TargetUnavailableException(Reasons.INVALID_SPEC, noSqlSource(field));
    }
    String sql = value(ref).orElse(null);
    if (sql == null) {
      throw new TargetUnavailableException(
          Reasons.SQL_NOT_FOUND,
          ConfigMapKeys.notFound(ref, field + ".configMapKeyRef", controlNamespace));
    }
    return sql;
  }
}
