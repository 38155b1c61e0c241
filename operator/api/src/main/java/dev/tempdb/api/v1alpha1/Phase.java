package dev.tempdb.api.v1alpha1;

/**
 * Lifecycle of a {@link TemporaryDbAccess}: Pending, Provisioning, Active, Revoking, then one of
 * Expired, Revoked or Failed (refused or could not be granted). A request deleted before expiry is
 * revoked and then disappears; its record is the Revoked event, since a deleted resource cannot
 * keep a status.
 */
public enum Phase {
  Pending,
  Provisioning,
  Active,
  Revoking,
  Expired,
  Revoked,
  Failed;

  /** Whether the database user of a grant in this phase is gone for good. */
  public boolean isFinal() {
    return this == Expired || this == Revoked || this == Failed;
  }

  /**
   * Whether access was granted and is over (Expired or Revoked): the record is kept only for the
   * audit retention. A Failed request is not ended: a spec change tries it again.
   */
  public boolean isEnded() {
    return this == Expired || this == Revoked;
  }
}
