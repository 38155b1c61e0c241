package dev.tempdb.core.engine;

import java.time.Instant;

/**
 * What {@link DatabaseEngine#provision} creates.
 *
 * @param owner who the user is for, recorded on the user where the engine allows (e.g. a comment)
 *     so DBAs and the orphan sweep can tell managed users apart
 * @param grantSql statements with {@code {username}}, run after the user exists
 * @param connectionLimit maximum concurrent sessions, -1 for unlimited
 */
public record UserGrant(
    String username,
    String password,
    Instant expiresAt,
    int connectionLimit,
    String grantSql,
    String owner) {

  /** Never prints the password. */
  @Override
  public String toString() {
    return "UserGrant[username=" + username + ", expiresAt=" + expiresAt + ", owner=" + owner + "]";
  }
}
