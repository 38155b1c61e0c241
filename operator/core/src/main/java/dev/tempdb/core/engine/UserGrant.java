package dev.tempdb.core.engine;

import java.time.Instant;

/**
 * What {@link DatabaseEngine#provision} creates.
 *
 * @param owner who the user is for, recorded on the user where the engine allows (e.g. a comment)
 *     so DBAs and the orphan sweep can tell managed users apart
 * @param grantSql statements with {@code {username}}, run after the user exists
 * @param connectionLimit maximum concurrent sessions, -1 for unlimited
 * @param hostPattern MySQL/MariaDB: host part of the account ({@code 'name'@'hostPattern'});
 *     ignored by PostgreSQL
 */
public record UserGrant(
    String username,
    String password,
    Instant expiresAt,
    int connectionLimit,
    String grantSql,
    String owner,
    String hostPattern) {
  public static final String ANY_HOST = "%";

  public UserGrant {
    if (hostPattern == null || hostPattern.isEmpty()) {
      hostPattern = ANY_HOST;
    }
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
