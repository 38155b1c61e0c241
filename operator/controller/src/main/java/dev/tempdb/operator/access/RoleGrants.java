package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.GrantedFor;
import dev.tempdb.api.v1alpha1.GrantedRole;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.Strategy;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.lease.Lease;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.core.rolegrant.DatabaseUsers;
import dev.tempdb.operator.events.EventRecorder;
import dev.tempdb.operator.servers.ServerRegistry;
import dev.tempdb.operator.status.AccessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RoleGrant strategy: the requester's own database user is granted the target's roles for the
 * lease, then exactly those are revoked. Three steps, each safe to repeat after a crash:
 *
 * <ol>
 *   <li>Record: map the requester to a user, check it and the roles in the database (changing
 *       nothing), and record in status which roles will be granted and which the user already held.
 *   <li>Grant the recorded roles not already held; the request is Active.
 *   <li>At the end, revoke each recorded role that no other live request still holds for the same
 *       user; a role held before is never touched.
 * </ol>
 *
 * Because the record is written before the grant, whatever crash happens, the status names every
 * role that may have been granted through the request.
 */
final class RoleGrants {
  private static final Logger LOG = LoggerFactory.getLogger(RoleGrants.class);

  private final ServerRegistry servers;
  private final TargetResolver resolver;
  private final EventRecorder events;
  private final RoleHolders holders;

  RoleGrants(
      ServerRegistry servers, TargetResolver resolver, EventRecorder events, RoleHolders holders) {
    this.servers = servers;
    this.resolver = resolver;
    this.events = events;
    this.holders = holders;
  }

  /** A request on a RoleGrant target, or one whose status recorded roles. */
  static boolean applies(TemporaryDbAccessStatus stored, ResolvedTarget target) {
    return (stored != null && stored.getRoles() != null) || (target != null && isRoleGrant(target));
  }

  static boolean isRoleGrant(ResolvedTarget target) {
    return target.target().getSpec().getStrategy() == Strategy.RoleGrant;
  }

  /** Step 1 or 2, whichever is next. */
  Step grant(
      TemporaryDbAccess access,
      ResolvedTarget target,
      AccessStatus next,
      Lease lease,
      Instant now) {
    TemporaryDbAccessStatus stored = access.getStatus();
    if (stored == null || stored.getRoles() == null) {
      return record(access, target, next);
    }
    DatabaseServer server = target.server();
    if (!server.getMetadata().getName().equals(stored.getServer())) {
      throw new IllegalStateException(
          "roles were recorded on server "
              + stored.getServer()
              + " but the target now names "
              + server.getMetadata().getName()
              + "; delete and request again");
    }
    DatabaseEngine engine = servers.engineFor(server);
    String user = stored.getUsername();
    List<String> toGrant = grantedByRequest(stored.getRoles());
    try {
      holders.exclusively(
          stored.getServer(),
          user,
          () -> {
            engine.grantRoles(user, toGrant);
            return null;
          });
    } catch (EngineException e) {
      if (!e.isPermanent()) {
        throw e;
      }
      // Nothing may stay granted through a request that failed: take back what this attempt
      // may have given (unless another request holds it), then fail for a person to look at.
      endRoles(access, engine, stored, false);
      TemporaryDbAccessStatus failed = next.failed(Reasons.GRANT_FAILED, e.getMessage());
      failed.setRoles(null);
      events.warning(access, Reasons.GRANT_FAILED, e.getMessage());
      return Step.then(failed, null);
    }
    TemporaryDbAccessStatus status = next.rolesGranted(access.getSpec().getRequester(), lease);
    events.normal(access, Reasons.GRANTED, status.getMessage());
    LOG.info("{}", status.getMessage());
    return Step.then(status, Duration.between(now, lease.expiresAt()));
  }

  private Step record(TemporaryDbAccess access, ResolvedTarget target, AccessStatus next) {
    DatabaseServer server = target.server();
    DatabaseEngine engine = servers.engineFor(server);
    var spec = target.target().getSpec();
    String user;
    try {
      user =
          DatabaseUsers.forRequester(
              access.getSpec().getRequester(),
              spec.getUserMapping(),
              resolver.userMap(target.target()),
              engine.maxUsernameLength());
    } catch (InvalidRequestException e) {
      return refuse(access, next, Reasons.USER_NOT_MAPPED, e.getMessage());
    }
    String prefix = server.getSpec().getUserPrefix();
    if (Usernames.hasGeneratedShape(prefix, user)) {
      return refuse(
          access,
          next,
          Reasons.ROLE_GRANT_NOT_ALLOWED,
          "requester "
              + access.getSpec().getRequester()
              + " maps to "
              + user
              + ", a temporary user of this operator; map requesters to their own users");
    }
    String serverName = server.getMetadata().getName();
    return holders.exclusively(
        serverName,
        user,
        () -> {
          RoleCheck check = engine.checkRoles(user, spec.getRoles());
          if (!check.allowed()) {
            return refuse(access, next, reason(check.problem()), check.detail());
          }
          Map<String, List<TemporaryDbAccess>> others =
              holders.otherHolders(access, serverName, user, check.alreadyHeld());
          List<GrantedRole> roles = new ArrayList<>();
          for (String role : spec.getRoles()) {
            // Held now only because another request granted it: that is not "held before".
            boolean heldBefore = check.alreadyHeld().contains(role) && others.get(role).isEmpty();
            roles.add(new GrantedRole(role, heldBefore));
          }
          TemporaryDbAccessStatus status =
              next.grantingFor(GrantedFor.of(access.getSpec()))
                  .rolesRecorded(serverName, user, roles);
          return Step.then(status, Duration.ZERO);
        });
  }

  /**
   * Step 3, on expiry or deletion.
   *
   * @param endSessions the target's choice (false when the target is gone)
   */
  TemporaryDbAccessStatus revoke(
      TemporaryDbAccess access,
      AccessStatus next,
      Phase endPhase,
      DatabaseServer server,
      boolean endSessions) {
    TemporaryDbAccessStatus stored = access.getStatus();
    DatabaseEngine engine = servers.engineFor(server);
    Ended ended = endRoles(access, engine, stored, endSessions);
    String how =
        (endPhase == Phase.Expired ? "Expired" : "Revoked")
            + ": "
            + (ended.revoked().isEmpty()
                ? "nothing revoked from " + stored.getUsername()
                : String.join(", ", ended.revoked()) + " revoked from " + stored.getUsername())
            + (ended.kept().isEmpty() ? "" : "; " + String.join("; ", ended.kept()))
            + (ended.sessions() > 0 ? ", " + ended.sessions() + " session(s) ended" : "");
    events.normal(access, endPhase == Phase.Expired ? Reasons.EXPIRED : Reasons.REVOKED, how);
    LOG.info("{}", how);
    return next.ended(endPhase, stored.getUsername(), how);
  }

  private record Ended(List<String> revoked, List<String> kept, int sessions) {}

  private Ended endRoles(
      TemporaryDbAccess access,
      DatabaseEngine engine,
      TemporaryDbAccessStatus stored,
      boolean endSessions) {
    String server = stored.getServer();
    String user = stored.getUsername();
    return holders.exclusively(
        server,
        user,
        () -> {
          Map<String, List<TemporaryDbAccess>> holding =
              holders.otherHolders(access, server, user, grantedByRequest(stored.getRoles()));
          List<String> revoke = new ArrayList<>();
          List<String> kept = new ArrayList<>();
          for (GrantedRole role : stored.getRoles()) {
            if (role.alreadyHeld()) {
              kept.add(role.getName() + " kept (held before the request)");
              continue;
            }
            List<TemporaryDbAccess> others = holding.get(role.getName());
            if (others.isEmpty()) {
              revoke.add(role.getName());
            } else {
              kept.add(
                  role.getName()
                      + " kept (still granted through "
                      + String.join(", ", others.stream().map(RoleHolders::name).toList())
                      + ")");
            }
          }
          int sessions = engine.revokeRoles(user, revoke, endSessions && !revoke.isEmpty());
          holders.release(access);
          return new Ended(revoke, kept, sessions);
        });
  }

  /** The recorded roles this request grants itself (and so revokes), not those held before. */
  private static List<String> grantedByRequest(List<GrantedRole> roles) {
    return roles.stream().filter(g -> !g.alreadyHeld()).map(GrantedRole::getName).toList();
  }

  private Step refuse(TemporaryDbAccess access, AccessStatus next, String reason, String message) {
    events.warning(access, reason, message);
    return Step.then(next.failed(reason, message), null);
  }

  private static String reason(RoleCheck.Problem problem) {
    return switch (problem) {
      case USER_NOT_FOUND -> Reasons.DATABASE_USER_NOT_FOUND;
      case ROLE_NOT_FOUND -> Reasons.ROLE_NOT_FOUND;
      case NOT_ALLOWED, NONE -> Reasons.ROLE_GRANT_NOT_ALLOWED;
    };
  }
}
