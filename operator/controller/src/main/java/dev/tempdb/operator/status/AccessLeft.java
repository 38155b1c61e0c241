package dev.tempdb.operator.status;

import dev.tempdb.api.v1alpha1.GrantedRole;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * What a requester can still do while a revocation has not happened, in words for status and
 * events. A failed revocation used to say only that deletion waits, while the password still
 * worked: people reading it must learn that access is NOT over, and until when the database itself
 * ends it.
 */
public final class AccessLeft {
  private AccessLeft() {}

  /**
   * E.g. "user tdb_x can still log in until 2026-12-08T10:00:00Z and its open sessions go on".
   * RoleGrant memberships have no expiry in the database, so they are said to last.
   */
  public static String describe(TemporaryDbAccessStatus granted, Instant now) {
    String user = granted.getUsername() == null ? "the user" : "user " + granted.getUsername();
    if (granted.getRoles() != null) {
      // Roles held before the request stay anyway; only what the request gave is at stake.
      String roles =
          granted.getRoles().stream()
              .filter(r -> !r.alreadyHeld())
              .map(GrantedRole::getName)
              .collect(Collectors.joining(", "));
      return roles.isEmpty()
          ? user + " may still hold what this request gave"
          : user
              + " still holds "
              + roles
              + ", which the database does not take back by itself, and its open sessions go on";
    }
    String expiresAt = granted.getExpiresAt();
    if (expiresAt == null) {
      return user + " may exist and its open sessions go on";
    }
    return now.isBefore(Instant.parse(expiresAt))
        ? user + " can still log in until " + expiresAt + " and its open sessions go on"
        : user
            + " is refused new logins since "
            + expiresAt
            + " only where the database enforces the expiry, and its open sessions go on";
  }
}
