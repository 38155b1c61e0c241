package dev.tempdb.core.sink;

/** The resource a grant belongs to, for owner references, labels and tags. */
public record GrantOwner(
    String apiVersion, String kind, String namespace, String name, String uid) {

  /** {@code namespace/name}, as used in logs, comments and messages. */
  public String key() {
    return namespace + "/" + name;
  }
}
