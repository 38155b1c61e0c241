package dev.tempdb.core.engine;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link RoleMemberships#checkRoles} found, changing nothing: whether the roles may be granted
 * to the existing user, and which of them the user already holds directly.
 *
 * @param problem {@link Problem#NONE} when the roles may be granted
 * @param detail one sentence naming the user or role and the fix, null when there is no problem
 * @param alreadyHeld the requested roles the user holds directly now (a grant the request must
 *     leave alone at the end)
 */
public record RoleCheck(Problem problem, String detail, Set<String> alreadyHeld) {
  public enum Problem {
    NONE,
    /** No login user of that name exists. */
    USER_NOT_FOUND,
    /** A requested role does not exist. */
    ROLE_NOT_FOUND,
    /**
     * The grant would be unsafe: the role is a login user or a superuser role, the user cannot log
     * in or is the operator's own admin, or (MySQL/MariaDB) the role is held by only some of the
     * user's accounts.
     */
    NOT_ALLOWED
  }

  public static RoleCheck ok(Set<String> alreadyHeld) {
    return new RoleCheck(Problem.NONE, null, Set.copyOf(alreadyHeld));
  }

  public static RoleCheck refused(Problem problem, String detail) {
    return new RoleCheck(problem, detail, Set.of());
  }

  /** The one wording of "no such user" that every engine uses, in checks and in errors. */
  public static String userMissing(String user) {
    return "database user "
        + user
        + " does not exist on this server; create it, or fix the target's userMapping";
  }

  /** The roles in their first-seen order, each once (a target may list a role twice). */
  public static List<String> distinct(List<String> roles) {
    return List.copyOf(new LinkedHashSet<>(roles));
  }

  public boolean allowed() {
    return problem == Problem.NONE;
  }
}
