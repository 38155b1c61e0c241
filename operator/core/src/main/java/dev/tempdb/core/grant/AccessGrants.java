package dev.tempdb.core.grant;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.TemporaryUsers;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.sink.CredentialSink;
import dev.tempdb.core.sink.Credentials;
import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.PublishedSecret;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one grant across a database and the credential sinks, in the order that never leaves
 * a usable user nobody knows about: the user first, then its credentials; at the end, the user
 * first (so published credentials stop working at once), then the credentials.
 */
public final class AccessGrants {
  private static final Logger LOG = LoggerFactory.getLogger(AccessGrants.class);

  private AccessGrants() {}

  /**
   * Creates (or resets) the user and publishes its credentials. If publishing fails, the user is
   * revoked again before the failure propagates, so a grant that is not reported Active has no
   * working user either.
   *
   * @return where each sink put the credentials
   */
  public static Map<DeliveryMethod, PublishedSecret> grant(
      TemporaryUsers engine,
      UserGrant grant,
      Credentials credentials,
      GrantOwner owner,
      List<CredentialSink> sinks,
      String revokeSql,
      OwnedObjects ownedObjects) {
    engine.provision(grant);
    Map<DeliveryMethod, PublishedSecret> published = new EnumMap<>(DeliveryMethod.class);
    try {
      for (CredentialSink sink : sinks) {
        published.put(sink.method(), sink.publish(owner, credentials));
      }
      return published;
    } catch (RuntimeException e) {
      LOG.warn(
          "Publishing credentials of {} failed; revoking user {} again",
          owner.key(),
          grant.username());
      // The user first, and its outcome is what the caller reports: "removed again" must be true.
      try {
        RevocationResult result = engine.revoke(grant.username(), revokeSql, ownedObjects);
        if (!result.userGone()) {
          e.addSuppressed(
              new IllegalStateException(
                  "user " + grant.username() + " is locked but not dropped: " + result.detail()));
        }
      } catch (RuntimeException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      // Then whatever was published before the failure. If this fails too (the sink that just
      // failed is likely still down), the retry publishes over it or the revocation removes it.
      try {
        withdraw(owner, sinks);
      } catch (RuntimeException withdrawFailure) {
        LOG.warn(
            "Withdrawing what was published for {} failed, left to the retry: {}",
            owner.key(),
            withdrawFailure.getMessage());
      }
      throw e;
    }
  }

  /**
   * Moves the expiry in the database and in the published credentials.
   *
   * @return false when the user no longer exists
   */
  public static boolean changeExpiry(
      TemporaryUsers engine,
      String username,
      Instant expiresAt,
      GrantOwner owner,
      List<CredentialSink> sinks) {
    if (!engine.changeExpiry(username, expiresAt)) {
      return false;
    }
    for (CredentialSink sink : sinks) {
      sink.updateExpiry(owner, expiresAt);
    }
    return true;
  }

  /** Removes the user, then withdraws its credentials from every sink. */
  public static RevocationResult revoke(
      TemporaryUsers engine,
      String username,
      String revokeSql,
      OwnedObjects ownedObjects,
      GrantOwner owner,
      List<CredentialSink> sinks) {
    RevocationResult result = engine.revoke(username, revokeSql, ownedObjects);
    withdraw(owner, sinks);
    return result;
  }

  /** Deletes the published credentials from every sink; absent counts as withdrawn. */
  public static void withdraw(GrantOwner owner, List<CredentialSink> sinks) {
    for (CredentialSink sink : sinks) {
      sink.withdraw(owner);
    }
  }
}
