package dev.tempdb.core.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.stream.Stream;

/**
 * fabric8's mock API server in CRUD mode with the committed CRDs from {@code crds/} applied (so the
 * status subresource behaves as on a cluster), started once per test JVM.
 */
public final class KubernetesFixture {
  private static KubernetesFixture instance;
  // The mock server logs every request through java.util.logging; held so it is not collected.
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final RecordingCrudDispatcher dispatcher = new RecordingCrudDispatcher();
  private final KubernetesClient client;

  private KubernetesFixture() {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    client = server.createClient();
    try (Stream<Path> crds = Files.list(ProjectFiles.topLevel("crds"))) {
      crds.filter(p -> p.toString().endsWith(".yaml"))
          .sorted()
          .forEach(
              p -> {
                try (var in = Files.newInputStream(p)) {
                  client
                      .resource(
                          client
                              .getKubernetesSerialization()
                              .unmarshal(in, CustomResourceDefinition.class))
                      .create();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static synchronized KubernetesFixture get() {
    if (instance == null) {
      instance = new KubernetesFixture();
    }
    return instance;
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * A new client of the same server that names itself {@code userAgent} in every request, so that
   * {@link #requestsFrom} can tell its calls from the test's own.
   */
  public KubernetesClient clientNamed(String userAgent) {
    var config = client.getConfiguration();
    config =
        new io.fabric8.kubernetes.client.ConfigBuilder(config).withUserAgent(userAgent).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Every request made so far by clients named {@code userAgent}, in order. */
  public java.util.List<RecordingCrudDispatcher.ApiRequest> requestsFrom(String userAgent) {
    return dispatcher.requests().stream().filter(r -> userAgent.equals(r.userAgent())).toList();
  }
}
