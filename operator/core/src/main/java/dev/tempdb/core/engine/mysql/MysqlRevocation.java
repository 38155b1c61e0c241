package dev.tempdb.core.engine.mysql;

import static dev.tempdb.core.engine.Jdbc.execute;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.dropExpiryEventQuietly;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.executeSecret;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.executeTargetSql;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.hosts;
import static dev.tempdb.core.engine.mysql.MysqlAccounts.killSessions;
import static dev.tempdb.core.engine.mysql.MysqlSql.account;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.SqlTemplate;
import dev.tempdb.core.naming.Passwords;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocation closes the door first: lock the account and replace its password (one statement), kill
 * its sessions, run the revoke SQL, drop what it defines when asked, drop it, kill again (a dropped
 * user's sessions live on in MySQL and MariaDB). A user that is still the DEFINER of objects is not
 * dropped, since those would stop working; it stays locked, reported as {@link
 * Outcome#LEFT_DISABLED}, as after any other permanent failure on the way.
 */
final class MysqlRevocation {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlRevocation.class);

  private MysqlRevocation() {}

  static RevocationResult revoke(
      Connection c, MysqlServer s, String username, String revokeSql, OwnedObjects ownedObjects)
      throws SQLException {
    MysqlDialect dialect = s.dialect();
    List<String> hosts = hosts(c, dialect, username);
    if (hosts.isEmpty()) {
      if (s.events()) {
        dropExpiryEventQuietly(c, dialect, username);
      }
      if (dialect.usesRegistry()) {
        ManagedUserRegistry.forget(c, username);
      }
      return RevocationResult.alreadyAbsent();
    }
    for (String host : hosts) {
      String throwaway = Passwords.generate();
      executeSecret(c, dialect.lock(username, host, throwaway, s.hashOnly()), throwaway);
    }
    List<Long> ended = new ArrayList<>(killSessions(c, dialect, username));
    String dropFailure = null;
    try {
      for (String host : hosts) {
        if (!SqlTemplate.isBlank(revokeSql)) {
          executeTargetSql(c, SqlTemplate.render(revokeSql, account(username, host)), "revoke");
        }
      }
      if (ownedObjects == OwnedObjects.Drop) {
        MysqlDefinedObjects.drop(c, username, hosts);
      }
      List<String> defined = MysqlDefinedObjects.describe(c, username, hosts);
      if (!defined.isEmpty()) {
        dropFailure =
            "it is the DEFINER of "
                + String.join(", ", defined)
                + ", which would stop working; give them another definer (ALTER ... DEFINER or"
                + " re-create them) or drop them (or set the target's spec.ownedObjects to"
                + " Drop), and the operator drops the user on its next attempt";
      } else {
        for (String host : hosts) {
          execute(c, dialect.drop(username, host));
        }
        if (dialect.usesRegistry()) {
          ManagedUserRegistry.forget(c, username);
        }
      }
    } catch (EngineException e) {
      if (!e.isPermanent()) {
        throw e;
      }
      dropFailure = e.getMessage();
    } catch (SQLException e) {
      if (MysqlErrors.isTransient(e)) {
        throw e;
      }
      dropFailure = e.getMessage();
    }
    if (dropFailure != null) {
      LOG.warn("User {} is locked but could not be dropped: {}", username, dropFailure);
    }
    ended.addAll(killSessions(c, dialect, username));
    if (s.events()) {
      dropExpiryEventQuietly(c, dialect, username);
    }
    return dropFailure == null
        ? new RevocationResult(Outcome.DROPPED, ended, null)
        : new RevocationResult(Outcome.LEFT_DISABLED, ended, dropFailure);
  }
}
