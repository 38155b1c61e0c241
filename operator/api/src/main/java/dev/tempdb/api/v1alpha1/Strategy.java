package dev.tempdb.api.v1alpha1;

/** How an {@link AccessTarget} grants access. */
public enum Strategy {
  /** A new database user per request, with its own password, dropped at the end. */
  TemporaryUser,
  /**
   * The requester's own, existing database user is granted existing roles for the request's
   * duration; nothing is published, the user keeps their login.
   */
  RoleGrant
}
