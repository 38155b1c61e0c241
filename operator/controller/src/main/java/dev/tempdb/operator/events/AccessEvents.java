package dev.tempdb.operator.events;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Kubernetes events about a resource, as people read them in {@code kubectl describe}. */
public interface AccessEvents {
  void normal(HasMetadata about, String reason, String message);

  void warning(HasMetadata about, String reason, String message);
}
