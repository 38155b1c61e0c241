package dev.tempdb.core.engine;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@link TemporaryUsers#provision} creates.
 *
 * @param owner who the user is for, recorded on the user where the engine allows (e.g. a comment)
 *     so DBAs and the orphan sweep can tell managed users apart
 * @param grantSql statements with {@code {username}}, run after the user exists
 * @param connectionLimit maximum concurrent sessions, -1 for unlimited
 * @param hostPattern MySQL/MariaDB: host part of the account ({@code 'name'@'hostPattern'});
 *     ignored by PostgreSQL
 * @param allowedPrivileges elevated privileges the grant SQL may give (upper-case names as {@link
 *     ElevatedPrivileges} reports them); any other elevated privilege fails the grant
 */
public record UserGrant(
    String username,
    String password,
    Instant expiresAt,
    int connectionLimit,
    String grantSql,
    String owner,
    String hostPattern,
    Set<String> allowedPrivileges) {
  public static final String ANY_HOST = "%";

  public UserGrant {
    if (hostPattern == null || hostPattern.isEmpty()) {
      hostPattern = ANY_HOST;
    }
    allowedPrivileges =
        allowedPrivileges == null
            ? Set.of()
            : allowedPrivileges.stream()
                .map(p -> p.toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
  }

  /** A grant that may give no elevated privilege. */
  public UserGrant(
      String username,
      String password,
      Instant expiresAt,
      int connectionLimit,
      String grantSql,
      String owner,
      String hostPattern) {
    this(username, password, expiresAt, connectionLimit, grantSql, owner, hostPattern, Set.of());
  }

  /** A grant from any host. */
  public UserGrant(
      String username,
      String password,
      Instant expiresAt,
      int connectionLimit,
      String grantSql,
      String owner) {
    this(username, password, expiresAt, connectionLimit, grantSql, owner, ANY_HOST);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "UserGrant[username=" + username + ", expiresAt=" + expiresAt + ", owner=" + owner + "]";
  }
}
