package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.AccessTarget;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Optional;

/**
 * The objects of the operator's control namespace that requests are resolved against, by name: the
 * reconciler's informer caches in production, maps in unit tests.
 */
public interface ControlNamespace {
  String name();

  Optional<AccessTarget> target(String name);

  Optional<DatabaseServer> server(String name);

  Optional<ConfigMap> configMap(String name);
}
