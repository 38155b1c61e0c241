package dev.tempdb.core.engine;

/**
 * One database server, reached through the operator's admin login: its temporary users, its role
 * memberships and the catalog of users the operator made. Every method is idempotent, so a
 * reconcile that crashed half-way can simply be run again. Code that needs one job only takes the
 * narrower interface ({@link TemporaryUsers}, {@link RoleMemberships}, {@link ManagedUserCatalog}),
 * so a test double implements just that.
 */
public interface DatabaseEngine
    extends TemporaryUsers, RoleMemberships, ManagedUserCatalog, AutoCloseable {

  /** The longest user name the engine accepts (PostgreSQL 63, MySQL/MariaDB 32). */
  int maxUsernameLength();

  /** Version string the server reports; also proves the admin login works. */
  String serverVersion();

  @Override
  void close();
}
