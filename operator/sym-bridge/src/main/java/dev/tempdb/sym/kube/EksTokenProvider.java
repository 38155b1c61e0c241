package dev.tempdb.sym.kube;

import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Gives fabric8 a fresh EKS token for every request, signing a new one when the cached token is 10
 * minutes old (EKS accepts one for 15), so a warm Lambda container never sends an expired token.
 */
public final class EksTokenProvider implements OAuthTokenProvider {
  static final Duration REUSE_FOR = Duration.ofMinutes(10);

  private final AwsCredentialsProvider credentials;
  private final String region;
  private final String clusterName;
  private final Clock clock;
  private String token;
  private Instant signedAt;

  public EksTokenProvider(
      AwsCredentialsProvider credentials, String region, String clusterName, Clock clock) {
    this.credentials = credentials;
    this.region = region;
    this.clusterName = clusterName;
    this.clock = clock;
  }

  @Override
  public synchronized String getToken() {
    Instant now = clock.instant();
    if (token == null || !now.isBefore(signedAt.plus(REUSE_FOR))) {
      token = EksTokens.create(credentials.resolveCredentials(), region, clusterName, clock);
      signedAt = now;
    }
    return token;
  }
}
