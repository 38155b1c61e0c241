package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.GrantedRole;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.lease.Lease;
import dev.tempdb.core.naming.Usernames;
import dev.tempdb.core.rolegrant.DatabaseUsers;
import dev.tempdb.operator.access.ResolvedTarget;
import dev.tempdb.operator.access.TargetResolver;
import dev.tempdb.operator.lifecycle.Outcome.Refused;
import dev.tempdb.operator.lifecycle.Outcome.RevocationFailed;
import dev.tempdb.operator.lifecycle.Outcome.RolesHeld;
import dev.tempdb.operator.lifecycle.Outcome.RolesRecorded;
import dev.tempdb.operator.servers.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
final class RoleGrantStrategy implements GrantStrategy {
  private final Engines engines;
  private final TargetResolver resolver;
  private final RoleHolders holders;

  RoleGrantStrategy(Engines engines, TargetResolver resolver, RoleHolders holders) {
    this.engines = engines;
    this.resolver = resolver;
    this.holders = holders;
  }

  /** Step 1 or 2, whichever is next. */
  @Override
  public Outcome grant(RequestView view, Lease lease) {
    TemporaryDbAccessStatus stored = view.stored();
    if (stored == null || stored.getRoles() == null) {
      return record(view);
    }
    DatabaseServer server = view.resolved().server();
    if (!server.getMetadata().getName().equals(stored.getServer())) {
      throw new IllegalStateException(
          "roles were recorded on server "
              + stored.getServer()
              + " but the target now names "
              + server.getMetadata().getName()
              + "; delete and request again");
    }
    DatabaseEngine engine = engines.engineFor(server);
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
      if (!Failures.isPermanent(e)) {
        throw e;
      }
      // Nothing may stay granted through a request that failed: take back what this attempt
      // may have given (unless another request holds it), then fail for a person to look at.
      endRoles(view.access(), engine, stored, false);
      return new Outcome.GrantUndone(Reasons.GRANT_FAILED, e.getMessage());
    }
    return new RolesHeld(lease, true);
  }

  private Outcome record(RequestView view) {
    TemporaryDbAccess access = view.access();
    ResolvedTarget target = view.resolved();
    DatabaseServer server = target.server();
    DatabaseEngine engine = engines.engineFor(server);
    var spec = target.target().getSpec();
    String user;
    try {
      user =
          DatabaseUsers.forRequester(
              view.requester(),
              spec.getUserMapping(),
              resolver.userMap(target.target()),
              engine.maxUsernameLength());
    } catch (InvalidRequestException e) {
      return new Refused(Reasons.USER_NOT_MAPPED, e.getMessage());
    }
    String prefix = server.getSpec().getUserPrefix();
    if (Usernames.hasGeneratedShape(prefix, user)) {
      return new Refused(
          Reasons.ROLE_GRANT_NOT_ALLOWED,
          "requester "
              + view.requester()
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
            return new Refused(reason(check.problem()), check.detail());
          }
          Map<String, List<TemporaryDbAccess>> others =
              holders.otherHolders(access, serverName, user, check.alreadyHeld());
          List<GrantedRole> roles = new ArrayList<>();
          for (String role : spec.getRoles()) {
            // Held now only because another request granted it: that is not "held before".
            boolean heldBefore = check.alreadyHeld().contains(role) && others.get(role).isEmpty();
            roles.add(new GrantedRole(role, heldBefore));
          }
          return new RolesRecorded(serverName, user, roles);
        });
  }

  /** The database has no expiry for a role membership: the lease lives in status only. */
  @Override
  public Optional<Outcome> renew(RequestView view, Lease lease) {
    return Optional.of(new RolesHeld(lease, false));
  }

  /** Step 3, on expiry or deletion. */
  @Override
  public Outcome revoke(RequestView view, Phase end) {
    DatabaseServer server = view.serverToRevokeOn();
    TemporaryDbAccessStatus stored = view.stored();
    DatabaseEngine engine = engines.engineFor(server);
    RolesEnded ended;
    try {
      ended = endRoles(view.access(), engine, stored, view.endSessions());
    } catch (EngineException e) {
      if (!Failures.isPermanent(e)) {
        throw e;
      }
      return new RevocationFailed("Revoking the roles failed, will retry: " + e.getMessage());
    }
    String how =
        (end == Phase.Expired ? "Expired" : "Revoked")
            + ": "
            + (ended.revoked().isEmpty()
                ? "nothing revoked from " + stored.getUsername()
                : String.join(", ", ended.revoked()) + " revoked from " + stored.getUsername())
            + (ended.kept().isEmpty() ? "" : "; " + String.join("; ", ended.kept()))
            + (ended.sessions() > 0 ? ", " + ended.sessions() + " session(s) ended" : "");
    return new Outcome.Ended(end, stored.getUsername(), how, null);
  }

  private record RolesEnded(List<String> revoked, List<String> kept, int sessions) {}

  private RolesEnded endRoles(
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
          return new RolesEnded(revoke, kept, sessions);
        });
  }

  /** The recorded roles this request grants itself (and so revokes), not those held before. */
  private static List<String> grantedByRequest(List<GrantedRole> roles) {
    return roles.stream().filter(g -> !g.alreadyHeld()).map(GrantedRole::getName).toList();
  }

  private static String reason(RoleCheck.Problem problem) {
    return switch (problem) {
      case USER_NOT_FOUND -> Reasons.DATABASE_USER_NOT_FOUND;
      case ROLE_NOT_FOUND -> Reasons.ROLE_NOT_FOUND;
      case NOT_ALLOWED, NONE -> Reasons.ROLE_GRANT_NOT_ALLOWED;
    };
  }
}
