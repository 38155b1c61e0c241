package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.DatabaseEngine;
import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RoleCheck;
import dev.tempdb.core.engine.UserGrant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A database in memory: temporary users with their expiry, login users with their roles. Each
 * operation can be told to fail once, permanently or not, as an engine's error classifier would.
 */
final class FakeEngine implements DatabaseEngine {
  final Map<String, Instant> users = new LinkedHashMap<>();
  final Map<String, String> passwords = new HashMap<>();
  final Map<String, Set<String>> rolesOf = new HashMap<>();
  final Set<String> roles = new HashSet<>();
  final List<String> calls = new ArrayList<>();
  RuntimeException failProvision;
  RuntimeException failRevoke;
  RuntimeException failGrantRoles;
  RuntimeException failRevokeRoles;
  boolean dropFails;

  /** Runs while a revocation is under way, e.g. to let the clock move as a slow drop would. */
  Runnable duringRevoke = () -> {};

  int openSessions;

  static EngineException permanent(String message) {
    return new EngineException(message, true, null);
  }

  static EngineException retryable(String message) {
    return new EngineException(message, false, null);
  }

  /** A login user of someone's own, holding these roles. */
  void login(String user, String... held) {
    rolesOf.put(user, new HashSet<>(List.of(held)));
  }

  @Override
  public int maxUsernameLength() {
    return 63;
  }

  @Override
  public String serverVersion() {
    return "fake";
  }

  @Override
  public void provision(UserGrant grant) {
    calls.add("provision " + grant.username());
    RuntimeException failure = failProvision;
    failProvision = null;
    throwOnce(failure);
    users.put(grant.username(), grant.expiresAt());
    passwords.put(grant.username(), grant.password());
  }

  @Override
  public boolean changeExpiry(String username, Instant expiresAt) {
    calls.add("changeExpiry " + username + " " + expiresAt);
    if (!users.containsKey(username)) {
      return false;
    }
    users.put(username, expiresAt);
    return true;
  }

  @Override
  public RevocationResult revoke(String username, String revokeSql, OwnedObjects ownedObjects) {
    calls.add("revoke " + username + (revokeSql == null ? "" : " with " + revokeSql));
    RuntimeException failure = failRevoke;
    failRevoke = null;
    throwOnce(failure);
    duringRevoke.run();
    if (dropFails && users.containsKey(username)) {
      return new RevocationResult(
          RevocationResult.Outcome.LEFT_DISABLED, sessionIds(openSessions), "owns t");
    }
    boolean existed = users.remove(username) != null;
    passwords.remove(username);
    return new RevocationResult(
        existed ? RevocationResult.Outcome.DROPPED : RevocationResult.Outcome.ALREADY_ABSENT,
        existed ? sessionIds(openSessions) : List.of(),
        null);
  }

  @Override
  public RoleCheck checkRoles(String user, List<String> wanted) {
    calls.add("checkRoles " + user + " " + wanted);
    if (!rolesOf.containsKey(user)) {
      return RoleCheck.refused(RoleCheck.Problem.USER_NOT_FOUND, RoleCheck.userMissing(user));
    }
    for (String role : wanted) {
      if (!roles.contains(role)) {
        return RoleCheck.refused(RoleCheck.Problem.ROLE_NOT_FOUND, "role " + role + " not found");
      }
    }
    Set<String> held = new HashSet<>(rolesOf.get(user));
    held.retainAll(wanted);
    return RoleCheck.ok(held);
  }

  @Override
  public void grantRoles(String user, List<String> granted) {
    calls.add("grantRoles " + user + " " + granted);
    RuntimeException failure = failGrantRoles;
    failGrantRoles = null;
    if (failure != null) {
      rolesOf.get(user).addAll(granted.subList(0, 1)); // failed half-way
      throw failure;
    }
    rolesOf.get(user).addAll(granted);
  }

  @Override
  public int revokeRoles(String user, List<String> revoked, boolean endSessions) {
    calls.add("revokeRoles " + user + " " + revoked + (endSessions ? " ending sessions" : ""));
    RuntimeException failure = failRevokeRoles;
    failRevokeRoles = null;
    throwOnce(failure);
    if (rolesOf.containsKey(user)) {
      rolesOf.get(user).removeAll(revoked);
    }
    return endSessions ? openSessions : 0;
  }

  @Override
  public List<ManagedUser> listManagedUsers(String prefix) {
    return List.of();
  }

  @Override
  public void close() {}

  private static void throwOnce(RuntimeException failure) {
    if (failure != null) {
      throw failure;
    }
  }

  /** The ids a server would report for {@code count} ended sessions: 4711, 4712, ... */
  static List<Long> sessionIds(int count) {
    return java.util.stream.LongStream.range(4711, 4711 + count).boxed().toList();
  }
}
