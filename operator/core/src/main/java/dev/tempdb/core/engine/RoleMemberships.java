package dev.tempdb.core.engine;

import java.util.List;

/**
 * The RoleGrant strategy on one database server: existing roles granted to an existing login user
 * for a while, then taken back. Every method is idempotent, so a reconcile that crashed half-way
 * can simply be run again.
 */
public interface RoleMemberships {

  /**
   * RoleGrant strategy, step 1: reads whether {@code roles} may be granted to the existing login
   * user {@code user} and which of them it already holds directly (membership through another role
   * does not count; on MySQL/MariaDB the role must be held by every account of that user name).
   * Changes nothing. The user is checked first, then the roles in list order, so the refusal named
   * is always the same one.
   */
  RoleCheck checkRoles(String user, List<String> roles);

  /**
   * RoleGrant strategy, step 2: grants each role to the existing user (every account of that name
   * on MySQL/MariaDB); a role it already holds is left as it is, so a second call changes nothing.
   * MySQL adds the roles to the account's default roles so new sessions have them. MariaDB
   * activates only one default role: an account without one gets the first role of the list, one
   * that has a default role keeps it, and the user takes the other roles with SET ROLE.
   *
   * @throws EngineException permanent when the user or a role does not exist
   */
  void grantRoles(String user, List<String> roles);

  /**
   * RoleGrant strategy, the end: clears a default role that is one of {@code roles}, revokes each
   * role from the user (a role it no longer holds counts as revoked; a user that no longer exists
   * means nothing to do) and, when asked, ends the user's sessions.
   *
   * <p>REVOKE alone does not end the access of an open session that has the role active: on
   * PostgreSQL a session that ran {@code SET ROLE role} keeps acting as the role (sessions that
   * only inherited its rights lose them at once); on MariaDB a session keeps the rights of its
   * active role, whether taken with SET ROLE or as its default role. Only {@code endSessions}
   * closes that. With {@code endSessions} the sessions are ended even when nothing was left to
   * revoke, so a retry after a crash still ends them.
   *
   * @return the sessions ended (0 without {@code endSessions})
   * @throws EngineException permanent when the user still holds a role after the REVOKE (PostgreSQL
   *     16+: the membership was recorded as granted by another role than the admin)
   */
  int revokeRoles(String user, List<String> roles, boolean endSessions);
}
