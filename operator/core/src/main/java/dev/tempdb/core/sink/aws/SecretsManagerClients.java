package dev.tempdb.core.sink.aws;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/** Builds the Secrets Manager client: bounded in time at every level, standard retries. */
public final class SecretsManagerClients {
  private SecretsManagerClients() {}

  /**
   * @param credentials where AWS credentials come from; in production the SDK's default chain, so
   *     IRSA, EKS pod identity, instance roles and environment variables all work
   */
  public static SecretsManagerClient create(
      AwsSecretsManagerSettings settings, AwsCredentialsProvider credentials) {
    Duration total = settings.apiCallTimeout();
    // Each attempt gets a third of the budget, so the SDK's standard retries (3 attempts with
    // backoff, for throttling, 5xx and I/O errors) fit inside the total.
    Duration attempt = total.dividedBy(3);
    SecretsManagerClientBuilder builder =
        SecretsManagerClient.builder()
            .credentialsProvider(credentials)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(min(attempt, Duration.ofSeconds(3)))
                    .socketTimeout(attempt))
            .overrideConfiguration(
                o ->
                    o.apiCallTimeout(total)
                        .apiCallAttemptTimeout(attempt)
                        .retryStrategy(RetryMode.STANDARD));
    if (settings.region() != null) {
      builder.region(Region.of(settings.region()));
    }
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
