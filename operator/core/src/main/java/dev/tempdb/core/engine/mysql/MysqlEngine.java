package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.mysql.MysqlAccounts.failure;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.Jdbc;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.engine.UserGrant;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * Temporary users on MySQL 8 and MariaDB 10.4+.
 *
 * <p>Account statements commit on their own in MySQL, so "all or nothing" is built from ordering
 * ({@link MysqlProvisioning}): the user is created locked, the target's grants and default roles
 * are applied, what they gave is checked for elevated privileges ({@link MysqlPrivileges}), and
 * only then are the password and connection limit set and the account unlocked. A failure on the
 * way drops the user again; a crash on the way leaves a locked user that the next attempt (or the
 * orphan sweep) drops.
 *
 * <p>Neither server can expire an account by itself (no VALID UNTIL), so when the event scheduler
 * runs, each user gets a one-shot event that locks it and ends its sessions at the expiry: access
 * ends on time even when the operator is down. Without the scheduler (or the EVENT privilege),
 * expiry is the operator's job alone; that is logged once. Revocation closes the door first: lock
 * the account and replace its password (one statement), kill its sessions, run the revoke SQL, drop
 * it, kill again (a dropped user's sessions live on in MySQL and MariaDB); see {@link
 * MysqlRevocation}. Roles: {@link MysqlRoles}; the sweep's listing: {@link MysqlManagedUsers}.
 */
public final class MysqlEngine implements DatabaseEngine {
  private final DataSource dataSource;
  private final AutoCloseable closeable;
  private final MysqlProvisioning provisioning;
  private volatile MysqlServer server;

  /**
   * @param closeable closed with the engine (the pool), may be null
   */
  public MysqlEngine(DataSource dataSource, AutoCloseable closeable, Clock clock) {
    this.dataSource = dataSource;
    this.closeable = closeable;
    this.provisioning = new MysqlProvisioning(clock);
  }

  /** Whether this server ends access at the expiry by itself (an event per user). */
  public boolean enforcesExpiry() {
    try (Connection c = dataSource.getConnection()) {
      return server(c).events() && !provisioning.expiryEventFailed();
    } catch (SQLException e) {
      throw failure("could not read the server settings", e);
    }
  }

  @Override
  public int maxUsernameLength() {
    return 32;
  }

  @Override
  public String serverVersion() {
    try (Connection c = dataSource.getConnection()) {
      return server(c).version();
    } catch (SQLException e) {
      throw failure("could not read the server version", e);
    }
  }

  /** MySQL or MariaDB, as the server reports itself. */
  public MysqlFlavor flavor() {
    try (Connection c = dataSource.getConnection()) {
      return server(c).dialect().flavor();
    } catch (SQLException e) {
      throw failure("could not read the server version", e);
    }
  }

  @Override
  public void provision(UserGrant grant) {
    MysqlProvisioning.refuseZeroConnectionLimit(grant);
    try (Connection c = dataSource.getConnection()) {
      provisioning.provision(c, server(c), grant);
    } catch (SQLException e) {
      throw failure("could not create user " + grant.username(), e);
    }
  }

  /** Moves the user's expiry event, where there is one. */
  @Override
  public boolean changeExpiry(String username, Instant expiresAt) {
    try (Connection c = dataSource.getConnection()) {
      return provisioning.changeExpiry(c, server(c), username, expiresAt);
    } catch (SQLException e) {
      throw failure("could not change the expiry of user " + username, e);
    }
  }

  @Override
  public RevocationResult revoke(String username, String revokeSql, OwnedObjects ownedObjects) {
    try (Connection c = dataSource.getConnection()) {
      return MysqlRevocation.revoke(c, server(c), username, revokeSql, ownedObjects);
    } catch (SQLException e) {
      throw failure("could not revoke user " + username, e);
    }
  }

  /**
   * A role counts as held when every account of the user (every host) holds it directly; one held
   * by only some accounts is refused (see {@link MysqlRoles#check}).
   */
  @Override
  public RoleCheck checkRoles(String user, List<String> roles) {
    try (Connection c = dataSource.getConnection()) {
      return MysqlRoles.check(c, server(c).dialect(), user, roles);
    } catch (SQLException e) {
      throw failure("could not check roles for user " + user, e);
    }
  }

  /**
   * Grants each role to every account of the user. MariaDB: an account without a default role gets
   * the first role of the list as its default (one is all MariaDB activates at login); one that has
   * a default keeps it. MySQL: the roles join the account's default roles.
   */
  @Override
  public void grantRoles(String user, List<String> roles) {
    List<String> wanted = RoleCheck.distinct(roles);
    try (Connection c = dataSource.getConnection()) {
      MysqlRoles.grant(c, server(c).dialect(), user, wanted);
    } catch (SQLException e) {
      throw failure("could not grant roles " + wanted + " to user " + user, e);
    } catch (IllegalArgumentException e) {
      throw new EngineException(
          "could not grant roles to user " + user + ": " + e.getMessage(), true, e);
    }
  }

  /**
   * Clears the revoked roles from every account's default roles, then revokes them. On MariaDB a
   * session that has a role active keeps its rights after the REVOKE (measured on 11.4, whether the
   * role came as the default or by SET ROLE); only {@code endSessions} ends that. MySQL 8.0.15
   * takes the rights from open sessions at once.
   */
  @Override
  public int revokeRoles(String user, List<String> roles, boolean endSessions) {
    List<String> revoked = RoleCheck.distinct(roles);
    try (Connection c = dataSource.getConnection()) {
      return MysqlRoles.revoke(c, server(c).dialect(), user, revoked, endSessions);
    } catch (SQLException e) {
      throw failure("could not revoke roles " + revoked + " from user " + user, e);
    } catch (IllegalArgumentException e) {
      throw new EngineException(
          "could not revoke roles from user " + user + ": " + e.getMessage(), true, e);
    }
  }

  @Override
  public List<ManagedUser> listManagedUsers(String prefix) {
    try (Connection c = dataSource.getConnection()) {
      return MysqlManagedUsers.list(c, server(c).dialect(), prefix);
    } catch (SQLException e) {
      throw failure("could not list managed users", e);
    }
  }

  @Override
  public void close() {
    Jdbc.closeQuietly(closeable);
  }

  /** Learnt once per engine, on first contact: the server does not change under a pool. */
  private MysqlServer server(Connection c) throws SQLException {
    MysqlServer known = server;
    if (known == null) {
      known = MysqlServer.discover(c);
      server = known;
    }
    return known;
  }
}
