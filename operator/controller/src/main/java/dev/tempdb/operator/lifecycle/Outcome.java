package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.GrantedRole;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.PublishedCredentials;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.lease.Lease;
import java.time.Duration;
import java.util.List;

/**
 * What a phase handler decided, before it is turned into status, events and a requeue: only {@link
 * OutcomeMapper} does that, so every decision is worded and recorded in one place.
 */
sealed interface Outcome {

  /** Nothing changes; look again after {@code recheckIn} (null: only when something changes). */
  record Unchanged(Duration recheckIn) implements Outcome {}

  /** The API has a newer copy than the one decided on: decide again on it, never grant on this. */
  record StaleCopy(TemporaryDbAccess latest) implements Outcome {}

  /** Not granted, waiting for something outside the request (its target or server). */
  record Waiting(String reason, String message) implements Outcome {}

  /** Active, but the target cannot be read: the grant stays as it is until it can, or expiry. */
  record KeptWithoutTarget(String why) implements Outcome {}

  /**
   * Cannot be granted as written: failed until the spec changes. Roles a RoleGrant request recorded
   * stay recorded, so that deletion still revokes whatever a crashed attempt may have granted.
   */
  record Refused(String reason, String message) implements Outcome {}

  /**
   * The grant failed and everything it gave was taken back: failed, and the status records no roles
   * and no strategy any more, so a spec change later starts afresh.
   */
  record GrantUndone(String reason, String message) implements Outcome {}

  /** A temporary user was created and its credentials published. */
  record Granted(String server, String username, Lease lease, PublishedCredentials credentials)
      implements Outcome {}

  /** RoleGrant, step 1: who gets which roles is recorded before anything changes. */
  record RolesRecorded(String server, String username, List<GrantedRole> roles)
      implements Outcome {}

  /** RoleGrant: the recorded roles are held until the lease ends ({@code granted}: just now). */
  record RolesHeld(Lease lease, boolean granted) implements Outcome {}

  /** An active temporary user goes on, with this lease (moved in the database if it changed). */
  record Kept(Lease lease) implements Outcome {}

  /** An edit the lease rules refuse: access goes on unchanged. */
  record ChangeRefused(String message) implements Outcome {}

  /**
   * Publishing failed and the user was removed again; retried with backoff, status says why.
   *
   * @param cause what is thrown so JOSDK retries
   */
  record PublishRetried(String message, RuntimeException cause) implements Outcome {}

  /** Revocation failed and is retried; until it succeeds the database expiry still holds. */
  record RevocationFailed(String message) implements Outcome {}

  /**
   * Deletion: revocation failed and an admin asked to abandon it ({@link
   * dev.tempdb.api.v1alpha1.TemporaryDbAccess#ABANDON_REVOCATION}); the finalizer goes, the user
   * stays.
   *
   * @param locked the user is locked and its sessions ended (only the drop failed)
   */
  record RevocationAbandoned(String reason, boolean locked, String failure) implements Outcome {}

  /** The user is locked and its sessions ended, but it could not be dropped. */
  record DropFailed(String username, String detail) implements Outcome {}

  /**
   * Access is over for good.
   *
   * @param phase Expired or Revoked
   * @param leftBehind a warning for something this operator could not remove, or null
   */
  record Ended(Phase phase, String username, String how, String leftBehind) implements Outcome {}

  /** An ended request is kept for audit for {@code left} more (zero: delete it now). */
  record Retained(Duration left) implements Outcome {}

  /** Deletion: nothing is left to undo, the finalizer may go. */
  record Finished() implements Outcome {}
}
