package dev.tempdb.core.engine;

import java.time.Instant;
import java.util.List;

/**
 * One database server, reached through the operator's admin login. Every method is idempotent, so a
 * reconcile that crashed half-way can simply be run again.
 */
public interface DatabaseEngine extends AutoCloseable {

  /** The longest user name the engine accepts (PostgreSQL 63, MySQL/MariaDB 32). */
  int maxUsernameLength();

  /** Version string the server reports; also proves the admin login works. */
  String serverVersion();

  /**
   * Creates the user, or resets it if it exists (new password, expiry, connection limit), and
   * applies the grant SQL. All or nothing where the engine allows it.
   */
  void provision(UserGrant grant);

  /** Moves the expiry of an existing user. Returns false when the user does not exist. */
  boolean changeExpiry(String username, Instant expiresAt);

  /**
   * Locks the user, ends its sessions, runs the revoke SQL, hands over or drops what it owns and
   * drops it. A user that is already gone counts as success.
   *
   * @param revokeSql optional SQL with {@code {username}}, may be null
   */
  RevocationResult revoke(String username, String revokeSql);

  /**
   * RoleGrant strategy, step 1: reads whether {@code roles} may be granted to the existing login
   * user {@code user} and which of them it already holds directly. Changes nothing.
   */
  RoleCheck checkRoles(String user, List<String> roles);

  /**
   * RoleGrant strategy, step 2: grants each role to the existing user; a role it already holds is
   * left as it is. MySQL/MariaDB also make the role active in the user's new sessions (a default
   * role) when that does not replace a default role the user already has.
   */
  void grantRoles(String user, List<String> roles);

  /**
   * RoleGrant strategy, the end: revokes each role from the user (a role it no longer holds counts
   * as revoked), clears a default role that pointed at one of them, and, when asked, ends the
   * user's sessions so a role taken with SET ROLE cannot be kept.
   *
   * @return the sessions ended
   */
  int revokeRoles(String user, List<String> roles, boolean endSessions);

  /** Users whose name starts with the prefix and that carry this operator's marker. */
  List<ManagedUser> listManagedUsers(String prefix);

  @Override
  void close();
}
