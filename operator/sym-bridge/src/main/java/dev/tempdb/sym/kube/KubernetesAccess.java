package dev.tempdb.sym.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * How the bridge reaches the Kubernetes API: with {@code TEMPDB_EKS_CLUSTER_NAME} set (a Lambda
 * outside the cluster), an EKS token from the function's IAM role against the endpoint and CA given
 * in {@code TEMPDB_KUBE_ENDPOINT} and {@code TEMPDB_KUBE_CA_DATA}; otherwise fabric8's usual
 * discovery (in-cluster service account, then kubeconfig). Every call is bounded by timeouts.
 */
public final class KubernetesAccess {
  static final int CONNECT_TIMEOUT_MS = 5_000;
  static final int REQUEST_TIMEOUT_MS = 10_000;

  private KubernetesAccess() {}

  /**
   * @throws IllegalArgumentException naming the variable and the fix
   */
  public static KubernetesClient fromEnv(Map<String, String> env) {
    String cluster = env.get("TEMPDB_EKS_CLUSTER_NAME");
    if (cluster == null || cluster.isBlank()) {
      Config config = Config.autoConfigure(null);
      bound(config);
      return new KubernetesClientBuilder().withConfig(config).build();
    }
    String region = required(env, "AWS_REGION", "the cluster's region, e.g. us-east-1");
    Config config =
        eksConfig(
            cluster.trim(),
            region,
            required(env, "TEMPDB_KUBE_ENDPOINT", "the cluster's API endpoint (https://...)"),
            required(
                env,
                "TEMPDB_KUBE_CA_DATA",
                "the cluster's certificateAuthority.data from aws eks describe-cluster"),
            DefaultCredentialsProvider.builder().build(),
            Clock.systemUTC());
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Settings for an EKS cluster, authenticated as the given AWS credentials. */
  static Config eksConfig(
      String cluster,
      String region,
      String endpoint,
      String caData,
      AwsCredentialsProvider credentials,
      Clock clock) {
    URI uri = URI.create(endpoint.trim());
    if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "TEMPDB_KUBE_ENDPOINT must be the cluster's https:// API endpoint (got "
              + endpoint
              + ")");
    }
    try {
      Base64.getDecoder().decode(caData.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "TEMPDB_KUBE_CA_DATA must be the base64 certificateAuthority.data of the cluster");
    }
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(uri.toString())
            .withCaCertData(caData.trim())
            .build();
    // Consulted by fabric8 before every request, so the token is never older than EKS accepts.
    config.setOauthTokenProvider(new EksTokenProvider(credentials, region, cluster, clock));
    bound(config);
    return config;
  }

  private static void bound(Config config) {
    config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    config.setRequestTimeout(REQUEST_TIMEOUT_MS);
  }

  private static String required(Map<String, String> env, String name, String what) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          name + " must be set to " + what + " when TEMPDB_EKS_CLUSTER_NAME is set");
    }
    return value.trim();
  }
}
