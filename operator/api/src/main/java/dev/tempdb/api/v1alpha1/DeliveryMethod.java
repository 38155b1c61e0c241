package dev.tempdb.api.v1alpha1;

/** Where the credentials of a temporary user are published. */
public enum DeliveryMethod {
  /** A Secret in the namespace of the TemporaryDbAccess, owned by it. */
  KubernetesSecret
}
