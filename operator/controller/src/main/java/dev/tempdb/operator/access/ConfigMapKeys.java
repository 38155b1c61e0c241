package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.KeyRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Optional;

/** Reading one key of a ConfigMap in the control namespace, and saying so when it is missing. */
final class ConfigMapKeys {
  private ConfigMapKeys() {}

  /** The value under {@code ref}'s key; empty when the ConfigMap or the key is missing. */
  static Optional<String> value(Optional<ConfigMap> configMap, KeyRef ref) {
    return configMap.map(ConfigMap::getData).map(data -> data.get(ref.getKey()));
  }

  /**
   * @param field the spec field that names the key, e.g. {@code spec.grant.configMapKeyRef}
   */
  static String notFound(KeyRef ref, String field, String namespace) {
    return ref + " (" + field + ") not found in namespace " + namespace;
  }
}
