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

  /**
   * What the database user made for this request is marked with: {@link #userMark(String, String,
   * String)}.
   */
  public String userMark() {
    return userMark(namespace, name, requester);
  }

  /**
   * {@code namespace/name requester=<requester>}: the owner a temporary user is marked with (the
   * PostgreSQL role comment, MySQL's registry row or ATTRIBUTE), by which a retry of the same
   * request recognises its own crashed attempt and never takes over anyone else's user.
   */
  public static String userMark(String namespace, String name, String requester) {
    return namespace + "/" + name + " requester=" + requester;
  }
}
