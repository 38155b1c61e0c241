package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Who holds a role through a request, so overlapping requests for the same user and role keep it
 * until the last one ends, and a role the user held before any request is never revoked.
 *
 * <p>The ledger is the requests' own status: a request records each role it will grant (and whether
 * the user held it already) before granting it, so a role granted through a request is always
 * visible here first. Decisions read that ledger fresh from the API, not from a cache, and those
 * for one user on one server run one at a time, with grants and revocations inside the same lock; a
 * request that has let go of its roles in this process counts as gone even before its status says
 * so. One operator process decides at a time (leader election), so this lock is enough.
 */
final class RoleHolders {
  private final ServedRequests requests;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Set<String> released = ConcurrentHashMap.newKeySet();

  /**
   * @param requests reads every request the operator serves, fresh from the API
   */
  RoleHolders(ServedRequests requests) {
    this.requests = requests;
  }

  /** Runs the decision for one user on one server while no other decision for them runs. */
  <T> T exclusively(String server, String user, Supplier<T> decision) {
    ReentrantLock lock = locks.computeIfAbsent(server + "\n" + user, k -> new ReentrantLock());
    lock.lock();
    try {
      return decision.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * For each role, the other requests through which the user holds it: they recorded it as granted
   * by them (not already held), have not ended, and have not let go of it here. One read of the API
   * for all the roles, none when there are no roles. Call inside {@link #exclusively}.
   */
  Map<String, List<TemporaryDbAccess>> otherHolders(
      TemporaryDbAccess self, String server, String user, Collection<String> roles) {
    if (roles.isEmpty()) {
      return Map.of();
    }
    String uid = self.getMetadata().getUid();
    List<TemporaryDbAccess> all = requests.list();
    // Only requests that still look live need remembering as released; this keeps the set small.
    released.retainAll(
        all.stream()
            .filter(r -> !ended(r.getStatus()))
            .map(r -> r.getMetadata().getUid())
            .toList());
    List<TemporaryDbAccess> others =
        all.stream()
            .filter(r -> !uid.equals(r.getMetadata().getUid()))
            .filter(r -> !released.contains(r.getMetadata().getUid()))
            .toList();
    Map<String, List<TemporaryDbAccess>> byRole = new HashMap<>();
    for (String role : roles) {
      byRole.put(
          role, others.stream().filter(r -> holds(r.getStatus(), server, user, role)).toList());
    }
    return byRole;
  }

  /** The request has let go of its roles (revoked, or kept for another holder). */
  void release(TemporaryDbAccess request) {
    released.add(request.getMetadata().getUid());
  }

  private static boolean holds(
      TemporaryDbAccessStatus status, String server, String user, String role) {
    if (status == null || status.getRoles() == null) {
      return false;
    }
    return !ended(status)
        && server.equals(status.getServer())
        && user.equals(status.getUsername())
        && status.getRoles().stream().anyMatch(g -> role.equals(g.getName()) && !g.alreadyHeld());
  }

  private static boolean ended(TemporaryDbAccessStatus status) {
    return status != null && status.getPhase() != null && status.getPhase().isFinal();
  }

  static String name(TemporaryDbAccess request) {
    return request.getMetadata().getNamespace() + "/" + request.getMetadata().getName();
  }
}
