package dev.tempdb.operator.config;

import dev.tempdb.core.lease.Durations;
import dev.tempdb.core.lease.InvalidRequestException;
import dev.tempdb.core.sink.aws.AwsSecretsManagerSettings;
import dev.tempdb.core.sink.aws.SecretNameTemplate;
import dev.tempdb.core.sink.aws.SecretTags;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the AWS Secrets Manager delivery settings from TEMPDB_AWS_* environment variables (listed
 * in docs/aws.md). Each bad value stops the operator at start with the variable's name and the fix.
 */
public final class AwsDeliveryConfig {
  private static final Logger LOG = LoggerFactory.getLogger(AwsDeliveryConfig.class);

  static final String ENABLED = "TEMPDB_AWS_ENABLED";

  /** Every setting this class reads (the configuration file may hold no other TEMPDB_AWS_ key). */
  static final java.util.Set<String> NAMES =
      java.util.Set.of(
          ENABLED,
          "TEMPDB_AWS_REGION",
          "TEMPDB_AWS_ENDPOINT",
          "TEMPDB_AWS_SECRET_NAME_TEMPLATE",
          "TEMPDB_AWS_REQUESTER_TAG",
          "TEMPDB_AWS_MANAGED_BY",
          "TEMPDB_AWS_KMS_KEY_ID",
          "TEMPDB_AWS_RECOVERY_WINDOW_DAYS",
          "TEMPDB_AWS_API_CALL_TIMEOUT");

  private static final String PREFIX = "TEMPDB_AWS_";

  private AwsDeliveryConfig() {}

  /** Empty when AWS delivery is off (the default). */
  public static Optional<AwsSecretsManagerSettings> fromEnvironment(Map<String, String> env) {
    String enabled = env.getOrDefault(ENABLED, "false").trim();
    if (!enabled.equals("true") && !enabled.equals("false")) {
      throw new IllegalArgumentException(
          "Setting " + ENABLED + " must be true or false, not '" + enabled + "'");
    }
    if (enabled.equals("false")) {
      env.keySet().stream()
          .filter(k -> k.startsWith(PREFIX) && !k.equals(ENABLED))
          .findFirst()
          .ifPresent(
              k -> {
                throw new IllegalArgumentException(
                    "Setting "
                        + k
                        + " is set but AWS delivery is off; set "
                        + ENABLED
                        + "=true, or remove "
                        + k);
              });
      return Optional.empty();
    }
    String requesterTag =
        env.getOrDefault(
            "TEMPDB_AWS_REQUESTER_TAG", AwsSecretsManagerSettings.DEFAULT_REQUESTER_TAG);
    SecretTags.keyProblem(requesterTag)
        .ifPresent(p -> fail("TEMPDB_AWS_REQUESTER_TAG", requesterTag, "an AWS tag key " + p));
    if (requesterTag.startsWith("tempdb.dev/")) {
      fail("TEMPDB_AWS_REQUESTER_TAG", requesterTag, "tempdb.dev/ tags are the operator's own");
    }
    String managedBy =
        env.getOrDefault("TEMPDB_AWS_MANAGED_BY", AwsSecretsManagerSettings.DEFAULT_MANAGED_BY);
    // ListSecrets filter values allow fewer characters than tag values, and the sweep filters on
    // it.
    if (!managedBy.matches("[A-Za-z0-9 :_@/+=.-]{1,256}")) {
      fail("TEMPDB_AWS_MANAGED_BY", managedBy, "use letters, digits, spaces and :_@/+=.- only");
    }
    if (!env.containsKey("TEMPDB_AWS_MANAGED_BY")) {
      LOG.warn(
          "TEMPDB_AWS_MANAGED_BY is not set: using {}, which every installation gets by default."
              + " The operator IAM policy keeps installations apart only by this value; give each"
              + " installation sharing an AWS account its own"
              + " (docs/aws.md#several-clusters-in-one-account)",
          managedBy);
    }
    SecretNameTemplate names;
    String template =
        env.getOrDefault("TEMPDB_AWS_SECRET_NAME_TEMPLATE", SecretNameTemplate.DEFAULT);
    try {
      names = SecretNameTemplate.parse(template);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Setting TEMPDB_AWS_SECRET_NAME_TEMPLATE " + e.getMessage(), e);
    }
    int window = recoveryWindow(env);
    Duration timeout = timeout(env);
    return Optional.of(
        new AwsSecretsManagerSettings(
            blankToNull(env.get("TEMPDB_AWS_REGION")),
            endpoint(env.get("TEMPDB_AWS_ENDPOINT")),
            names,
            requesterTag,
            managedBy,
            blankToNull(env.get("TEMPDB_AWS_KMS_KEY_ID")),
            window,
            timeout));
  }

  private static int recoveryWindow(Map<String, String> env) {
    String value = env.getOrDefault("TEMPDB_AWS_RECOVERY_WINDOW_DAYS", "0").trim();
    try {
      int days = Integer.parseInt(value);
      if (days == 0 || (days >= 7 && days <= 30)) {
        return days;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "Setting TEMPDB_AWS_RECOVERY_WINDOW_DAYS must be 0 (delete at once, the"
            + " default) or 7 to 30 days, as AWS allows, not '"
            + value
            + "'");
  }

  private static Duration timeout(Map<String, String> env) {
    String value = env.getOrDefault("TEMPDB_AWS_API_CALL_TIMEOUT", "10s").trim();
    try {
      return Durations.parse(value, "TEMPDB_AWS_API_CALL_TIMEOUT");
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException("Setting " + e.getMessage(), e);
    }
  }

  private static URI endpoint(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      URI uri = URI.create(value.trim());
      if (uri.getHost() != null
          && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "Setting TEMPDB_AWS_ENDPOINT must be an http(s) URL such as"
            + " https://secretsmanager.eu-west-1.amazonaws.com, not '"
            + value
            + "'");
  }

  private static void fail(String variable, String value, String problem) {
    throw new IllegalArgumentException(
        "Setting " + variable + " ('" + value + "') is not valid: " + problem);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
