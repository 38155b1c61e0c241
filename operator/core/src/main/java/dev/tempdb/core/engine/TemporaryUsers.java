package dev.tempdb.core.engine;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import java.time.Instant;

/**
 * The life of a temporary user on one database server: created, its expiry moved, revoked. Every
 * method is idempotent, so a reconcile that crashed half-way can simply be run again.
 */
public interface TemporaryUsers {

  /**
   * Creates the user, or resets it if it exists (new password, expiry, connection limit), and
   * applies the grant SQL. Before the user can log in, reads what it really holds and refuses
   * (undoing the grant) any elevated privilege that {@link UserGrant#allowedPrivileges} does not
   * list; see {@link ElevatedPrivileges}. All or nothing where the engine allows it.
   *
   * @throws EngineException permanent when the grant SQL gave an elevated privilege
   */
  void provision(UserGrant grant);

  /** Moves the expiry of an existing user. Returns false when the user does not exist. */
  boolean changeExpiry(String username, Instant expiresAt);

  /**
   * Locks the user, ends its sessions, runs the revoke SQL, hands over or drops what it owns and
   * drops it. A user that is already gone counts as success. What it owns never goes to the admin
   * (see {@link OwnedObjects}).
   *
   * @param revokeSql optional SQL with {@code {username}}, may be null
   */
  RevocationResult revoke(String username, String revokeSql, OwnedObjects ownedObjects);

  /** {@link #revoke(String, String, OwnedObjects)} keeping owned objects ({@code Reassign}). */
  default RevocationResult revoke(String username, String revokeSql) {
    return revoke(username, revokeSql, OwnedObjects.Reassign);
  }
}
