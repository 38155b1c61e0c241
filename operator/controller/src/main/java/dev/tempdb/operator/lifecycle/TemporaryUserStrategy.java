package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.PublishedCredentials;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.grant.AccessGrants;
import dev.tempdb.core.lease.Lease;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.core.sink.PublishedSecret;
import dev.tempdb.core.sink.SinkException;
import dev.tempdb.operator.access.ResolvedTarget;
import dev.tempdb.operator.lifecycle.Outcome.DropFailed;
import dev.tempdb.operator.lifecycle.Outcome.Ended;
import dev.tempdb.operator.lifecycle.Outcome.Granted;
import dev.tempdb.operator.lifecycle.Outcome.Kept;
import dev.tempdb.operator.lifecycle.Outcome.PublishRetried;
import dev.tempdb.operator.lifecycle.Outcome.Refused;
import dev.tempdb.operator.lifecycle.Outcome.RevocationFailed;
import dev.tempdb.operator.servers.Engines;
import dev.tempdb.operator.servers.ServerRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new database user per request, with its own password, published to the request's sinks and
 * dropped at the end. The user name is deterministic, so a grant repeated after a crash before
 * Active was recorded resets the same user with a fresh password published over the old one.
 */
final class TemporaryUserStrategy implements GrantStrategy {
  private static final Logger LOG = LoggerFactory.getLogger(TemporaryUserStrategy.class);

  private final Engines engines;
  private final boolean awsDeliveryEnabled;

  /**
   * @param awsDeliveryEnabled whether this operator can delete AWS secrets (else an ended request
   *     that recorded one says it was left behind)
   */
  TemporaryUserStrategy(Engines engines, boolean awsDeliveryEnabled) {
    this.engines = engines;
    this.awsDeliveryEnabled = awsDeliveryEnabled;
  }

  @Override
  public Outcome grant(RequestView view, Lease lease) {
    ResolvedTarget target = view.resolved();
    DatabaseServer server = target.server();
    DatabaseEngine engine = engines.engineFor(server);
    String username = username(view, server, engine);
    String password = Passwords.generate();
    var spec = target.target().getSpec();
    UserGrant grant =
        new UserGrant(
            username,
            password,
            lease.expiresAt(),
            spec.getConnectionLimit(),
            target.grantSql(),
            view.owner().userMark(),
            spec.getHostPattern(),
            spec.getAllowedPrivileges() == null
                ? Set.of()
                : Set.copyOf(spec.getAllowedPrivileges()));
    Map<DeliveryMethod, PublishedSecret> published;
    try {
      published =
          AccessGrants.grant(
              engine,
              grant,
              ServerRegistry.credentials(server, username, password, lease.expiresAt()),
              view.owner(),
              view.deliverTo(),
              target.revokeSql(),
              view.ownedObjects());
    } catch (EngineException e) {
      if (!Failures.isPermanent(e)) {
        throw e;
      }
      // This attempt rolled back, but an earlier one may have left a user and a Secret (a crash
      // before Active was recorded): remove them, or Failed would hide working credentials.
      AccessGrants.revoke(
          engine,
          username,
          target.revokeSql(),
          view.ownedObjects(),
          view.owner(),
          view.withdrawFrom());
      return new Refused(Reasons.GRANT_FAILED, e.getMessage());
    } catch (SinkException e) {
      return publishFailed(username, e);
    }
    PublishedSecret k8s = published.get(DeliveryMethod.KubernetesSecret);
    PublishedSecret aws = published.get(DeliveryMethod.AwsSecretsManager);
    return new Granted(
        server.getMetadata().getName(),
        username,
        lease,
        new PublishedCredentials(
            k8s == null ? null : k8s.name(),
            aws == null ? null : aws.name(),
            aws == null ? null : aws.arn()));
  }

  /**
   * Publishing failed after the user was created; {@link AccessGrants#grant} has already removed
   * the user again, so no working credentials exist that nobody was given. A permanent failure (a
   * name taken by someone else) fails the request; anything else is retried with backoff.
   */
  private static Outcome publishFailed(String username, SinkException e) {
    boolean removed = e.getSuppressed().length == 0;
    String message =
        "Publishing credentials failed, "
            + (removed
                ? "so user " + username + " was removed again"
                : "and removing user "
                    + username
                    + " again failed too ("
                    + e.getSuppressed()[0].getMessage()
                    + "); it is retried")
            + ": "
            + e.getMessage();
    if (Failures.isPermanent(e) && removed) {
      return new Refused(Reasons.PUBLISH_FAILED, message);
    }
    return new PublishRetried(message, SinkException.retryable(message, e));
  }

  @Override
  public Optional<Outcome> renew(RequestView view, Lease lease) {
    TemporaryDbAccessStatus stored = view.stored();
    if (lease.expiresAt().toString().equals(stored.getExpiresAt())) {
      return Optional.of(new Kept(lease));
    }
    // The server the user was created on, even if the target has been pointed elsewhere since.
    DatabaseEngine engine = engines.engineFor(view.server().orElse(view.resolved().server()));
    boolean exists =
        AccessGrants.changeExpiry(
            engine, stored.getUsername(), lease.expiresAt(), view.owner(), view.deliverTo());
    return exists ? Optional.of(new Kept(lease)) : Optional.empty();
  }

  @Override
  public Outcome revoke(RequestView view, Phase end) {
    DatabaseServer server = view.serverToRevokeOn();
    DatabaseEngine engine = engines.engineFor(server);
    String username = username(view, server, engine);
    if (view.revokeSqlProblem() != null) {
      LOG.warn("Revoking without the target's revoke SQL: {}", view.revokeSqlProblem());
    }
    RevocationResult result;
    try {
      result =
          AccessGrants.revoke(
              engine,
              username,
              view.revokeSql(),
              view.ownedObjects(),
              view.owner(),
              view.withdrawFrom());
    } catch (EngineException e) {
      if (!Failures.isPermanent(e)) {
        throw e;
      }
      // E.g. the admin lost its rights on the user: nothing was locked. Withdraw the credentials
      // anyway, say so, and try again later; the database expiry still refuses new logins.
      AccessGrants.withdraw(view.owner(), view.withdrawFrom());
      return new RevocationFailed("Revocation failed, will retry: " + e.getMessage());
    }
    if (!result.userGone()) {
      return new DropFailed(username, result.detail());
    }
    String leftBehind = awsSecretLeftBehind(view.stored());
    String how =
        (end == Phase.Expired ? "Expired" : "Revoked")
            + ": user "
            + username
            + (result.outcome() == RevocationResult.Outcome.DROPPED ? " dropped" : " already gone")
            + (result.sessionsTerminated() > 0
                ? ", "
                    + result.sessionsTerminated()
                    + " session(s) ended (server session ids "
                    + result.endedSessions().stream()
                        .map(String::valueOf)
                        .collect(Collectors.joining(", "))
                    + ")"
                : "")
            + ", credentials withdrawn"
            + (leftBehind == null ? "" : "; " + leftBehind);
    return new Ended(end, username, how, leftBehind);
  }

  /** Says so when status recorded an AWS secret that this operator can no longer delete. */
  private String awsSecretLeftBehind(TemporaryDbAccessStatus stored) {
    String name =
        stored == null || stored.getCredentials() == null
            ? null
            : stored.getCredentials().getAwsSecretName();
    if (name == null || awsDeliveryEnabled) {
      return null;
    }
    return "AWS secret "
        + name
        + " was NOT deleted: AWS delivery is off on the operator; delete it by hand (its"
        + " password no longer works)";
  }

  private static String username(RequestView view, DatabaseServer server, DatabaseEngine engine) {
    TemporaryDbAccessStatus stored = view.stored();
    if (stored != null && stored.getUsername() != null) {
      // Never reset or drop a user this operator did not generate (e.g. a RoleGrant user).
      if (!Usernames.hasGeneratedShape(server.getSpec().getUserPrefix(), stored.getUsername())) {
        throw new IllegalStateException(
            "status names user "
                + stored.getUsername()
                + ", which is not a temporary user of this operator; refusing to change it");
      }
      return stored.getUsername();
    }
    return Usernames.forGrant(
        server.getSpec().getUserPrefix(),
        view.requester(),
        view.access().getMetadata().getUid(),
        engine.maxUsernameLength());
  }
}
