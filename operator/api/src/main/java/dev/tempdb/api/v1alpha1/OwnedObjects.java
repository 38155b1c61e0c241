package dev.tempdb.api.v1alpha1;

/**
 * What happens to the objects a temporary user created (tables, views, functions) when its access
 * ends. Neither choice ever hands them to the operator's admin: a function owned by the admin runs
 * with the admin's rights, so a planted SECURITY DEFINER function would become a backdoor.
 */
public enum OwnedObjects {
  /**
   * They are kept, owned by a role that has no privileges and cannot log in (managed by the
   * operator, see the DatabaseServer's reassignOwnedTo). SECURITY DEFINER functions are dropped.
   */
  Reassign,
  /** They are dropped with the user (DROP OWNED). */
  Drop
}
