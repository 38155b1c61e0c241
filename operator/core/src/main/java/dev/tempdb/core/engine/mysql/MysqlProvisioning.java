package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.dropExpiryEventQuietly;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.executeSecret;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.executeTargetSql;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.hosts;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.killSessions;
import static dev.tempdb.core.engine.mysql.MysqlSql.account;

import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.SqlTemplate;
import dev.tempdb.core.engine.UserGrant;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating (or re-creating) a temporary user and moving its expiry. Account statements commit on
 * their own, so "all or nothing" is built from ordering: the user is created locked, the target's
 * grants and default roles are applied, what they gave is checked for elevated privileges ({@link
 * MysqlPrivileges}), the expiry event is scheduled, and only then are the password and connection
 * limit set and the account unlocked. A failure on the way drops the user again.
 */
final class MysqlProvisioning {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlProvisioning.class);

  private final Clock clock;
  private final AtomicBoolean eventFailureLogged = new AtomicBoolean();

  MysqlProvisioning(Clock clock) {
    this.clock = clock;
  }

  /** Whether creating an expiry event has failed (the server does not enforce expiry then). */
  boolean expiryEventFailed() {
    return eventFailureLogged.get();
  }

  /**
   * The latest time an event can be scheduled at on MySQL and MariaDB: the end of TIMESTAMP's
   * range. A later one fails with "Incorrect AT value".
   */
  static final Instant LAST_EVENT_TIME = Instant.parse("2038-01-19T03:14:07Z");

  /**
   * Refuses, before touching the server, a lease the server's own expiry event could not end: the
   * grant would go on with only the operator to end it, and used to be logged as a missing EVENT
   * privilege. Servers without events end access through the operator anyway.
   */
  static void refuseBeyondEventRange(MysqlServer s, Instant expiresAt) {
    if (s.events() && expiresAt.isAfter(LAST_EVENT_TIME)) {
      throw new EngineException(
          "the lease would end at "
              + expiresAt
              + ", after "
              + LAST_EVENT_TIME
              + ", the latest time at which this server's expiry event can lock the account, so"
              + " the server could not end this access by itself; ask for a shorter spec.ttl or an"
              + " earlier spec.expiresAt",
          true,
          null);
    }
  }

  /** Refuses, before touching the server, a grant nobody could log in with. */
  static void refuseZeroConnectionLimit(UserGrant grant) {
    if (grant.connectionLimit() == 0) {
      // MAX_USER_CONNECTIONS 0 means "no limit" in MySQL, the opposite of what 0 says.
      throw new EngineException(
          "the target's connectionLimit 0 would let nobody log in; set at least 1, or -1 for no"
              + " limit",
          true,
          null);
    }
  }

  void provision(Connection c, MysqlServer s, UserGrant grant) throws SQLException {
    refuseBeyondEventRange(s, grant.expiresAt());
    String user = grant.username();
    String host = grant.hostPattern();
    MysqlDialect dialect = s.dialect();
    // The user name is unique to this request, so an existing account is a crashed earlier
    // attempt (possibly under another host pattern): start again from nothing.
    for (String oldHost : hosts(c, dialect, user)) {
      execute(c, dialect.drop(user, oldHost));
    }
    killSessions(c, dialect, user);
    if (dialect.usesRegistry()) {
      ManagedUserRegistry.register(c, user, grant.owner());
    }
    execute(c, dialect.createLocked(user, host, grant.owner()));
    try {
      if (!SqlTemplate.isBlank(grant.grantSql())) {
        executeTargetSql(c, SqlTemplate.render(grant.grantSql(), account(user, host)), "grant");
      }
      MysqlPrivileges.refuseElevated(c, dialect.flavor(), grant);
      String defaultRoles = defaultRoles(c, dialect, user, host);
      if (defaultRoles != null) {
        execute(c, defaultRoles);
      }
      // Before the unlock: there is never an open account without its expiry.
      scheduleExpiry(c, s, user, host, grant.expiresAt());
      executeSecret(
          c,
          dialect.activate(user, host, grant.password(), grant.connectionLimit(), s.hashOnly()),
          grant.password());
    } catch (SQLException | RuntimeException e) {
      if (dropQuietly(c, dialect, user, host) && dialect.usesRegistry()) {
        ManagedUserRegistry.forget(c, user);
      }
      if (s.events()) {
        dropExpiryEventQuietly(c, dialect, user);
      }
      throw e;
    }
  }

  /** Moves the user's expiry event, where there is one. Returns false when the user is gone. */
  boolean changeExpiry(Connection c, MysqlServer s, String username, Instant expiresAt)
      throws SQLException {
    List<String> hosts = hosts(c, s.dialect(), username);
    if (hosts.isEmpty()) {
      return false;
    }
    scheduleExpiry(c, s, username, hosts.get(0), expiresAt);
    return true;
  }

  /**
   * Replaces the user's expiry event. Without the privilege to create events the server cannot
   * enforce expiry; the grant goes on, enforced by the operator, and that is logged once.
   */
  private void scheduleExpiry(
      Connection c, MysqlServer s, String user, String host, Instant expiresAt)
      throws SQLException {
    if (!s.events()) {
      return;
    }
    long seconds = (Duration.between(clock.instant(), expiresAt).toMillis() + 999) / 1000;
    try {
      execute(c, s.dialect().dropExpiryEvent(user));
      execute(c, s.dialect().createExpiryEvent(user, host, seconds));
    } catch (SQLException e) {
      if (MysqlErrors.isTransient(e)) {
        throw e;
      }
      if (eventFailureLogged.compareAndSet(false, true)) {
        LOG.warn(
            "Could not create the expiry event for {}: {}. Expiry on this server is enforced by"
                + " the operator only; grant the admin EVENT on its database to change that.",
            user,
            e.getMessage());
      }
    }
  }

  /** The statement making the roles the grant SQL gave default roles, or null for none. */
  private static String defaultRoles(Connection c, MysqlDialect dialect, String user, String host)
      throws SQLException {
    List<String> roles = MysqlAccounts.strings(c, dialect.grantedRolesQuery(), user, host);
    try {
      return dialect.setDefaultRoles(user, host, roles);
    } catch (IllegalArgumentException e) {
      throw new EngineException(
          "the target's grant SQL cannot be used: " + e.getMessage(), true, e);
    }
  }

  /** Whether the user is gone. */
  private static boolean dropQuietly(Connection c, MysqlDialect dialect, String user, String host) {
    try {
      execute(c, dialect.drop(user, host));
      return true;
    } catch (SQLException e) {
      LOG.warn(
          "Could not drop the half-created user {}; the next attempt or the orphan sweep will: {}",
          user,
          e.getMessage());
      return false;
    }
  }
}
