package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.operator.config.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Requests read straight from the API server, never from an informer cache. */
public final class ApiRequests implements LatestCopy, ServedRequests {
  private final KubernetesClient client;
  private final List<String> watchNamespaces;

  /**
   * @param config its watch namespaces (empty: all) bound which requests are served
   */
  public ApiRequests(KubernetesClient client, OperatorConfig config) {
    this.client = client;
    this.watchNamespaces = config.watchNamespaces().stream().sorted().toList();
  }

  @Override
  public Optional<TemporaryDbAccess> of(TemporaryDbAccess access) {
    return Optional.ofNullable(client.resource(access).get());
  }

  @Override
  public List<TemporaryDbAccess> list() {
    var resources = client.resources(TemporaryDbAccess.class);
    if (watchNamespaces.isEmpty()) {
      return resources.inAnyNamespace().list().getItems();
    }
    List<TemporaryDbAccess> all = new ArrayList<>();
    for (String namespace : watchNamespaces) {
      all.addAll(resources.inNamespace(namespace).list().getItems());
    }
    return all;
  }
}
