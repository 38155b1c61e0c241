package dev.tempdb.core.sink;

/**
 * The request a grant belongs to, for owner references, labels, secret names and tags.
 *
 * @param requester who the credentials are for, e.g. an email
 * @param requestId the external request id (e.g. the Sym run id), or null
 */
public record GrantOwner(
    String apiVersion,
    String kind,
    String namespace,
    String name,
    String uid,
    String requester,
    String requestId) {

  /** {@code namespace/name}, as used in logs, comments and messages. */
  public String key() {
    return namespace + "/" + name;
  }
}
