package dev.tempdb.sym.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The EKS token really reaches the API server as fabric8's bearer token, on every request. */
class EksClientIT {
  private static final String CA = Base64.getEncoder().encodeToString("not parsed here".getBytes());

  @Test
  void everyRequestCarriesAFreshEksBearerToken() throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init();
    try {
      server
          .expect()
          .get()
          .withPath("/apis/tempdb.dev/v1alpha1/namespaces/ns/temporarydbaccesses/x")
          .andReturn(404, null)
          .always();
      Config config =
          KubernetesAccess.eksConfig(
              "prod-eks",
              "us-east-1",
              "https://ABC.gr7.us-east-1.eks.amazonaws.com",
              CA,
              StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
              Clock.systemUTC());
      // Same settings, pointed at the local mock instead of EKS.
      config.setMasterUrl(server.url("/"));
      config.setCaCertData(null);
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        for (int i = 0; i < 2; i++) {
          assertThat(
                  client.resources(TemporaryDbAccess.class).inNamespace("ns").withName("x").get())
              .isNull();
          RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
          assertThat(request.getHeader("Authorization")).startsWith("Bearer k8s-aws-v1.");
        }
      }
    } finally {
      server.destroy();
    }
  }

  @Test
  void theEndpointMustBeHttpsAndTheCaBase64() {
    var credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    assertThatThrownBy(
            () ->
                KubernetesAccess.eksConfig(
                    "c", "us-east-1", "http://api.example", CA, credentials, Clock.systemUTC()))
        .hasMessageContaining("TEMPDB_KUBE_ENDPOINT must be the cluster's https:// API endpoint");
    assertThatThrownBy(
            () ->
                KubernetesAccess.eksConfig(
                    "c", "us-east-1", "https://api.example", "%%%", credentials, Clock.systemUTC()))
        .hasMessageContaining("TEMPDB_KUBE_CA_DATA");
  }
}
