package dev.tempdb.operator.deploy;

import com.marcnuri.helm.Helm;
import dev.tempdb.core.testing.ProjectFiles;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Renders the install manifests under {@code deploy/} the way an admin would apply them: kustomize
 * directories with {@code kubectl kustomize}, the Helm chart with helm-java (no helm binary
 * needed), and parses the output into fabric8 objects.
 */
public final class RenderedManifests {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final long KUBECTL_TIMEOUT_SECONDS = 60;

  private RenderedManifests() {}

  /** {@code deploy/} at the repository root. */
  public static Path deployDir() {
    return ProjectFiles.topLevel("deploy");
  }

  /** The repository root. */
  public static Path repositoryRoot() {
    return deployDir().getParent();
  }

  /** {@code deploy/helm/tempdb-operator}. */
  public static Path chart() {
    return deployDir().resolve("helm/tempdb-operator");
  }

  /**
   * Runs {@code kubectl kustomize <dir>} and parses what it prints.
   *
   * @param dir a kustomization directory, e.g. {@code deploy/kustomize/overlays/cluster-wide}
   */
  public static List<HasMetadata> kustomize(Path dir) {
    Process process;
    try {
      process = new ProcessBuilder("kubectl", "kustomize", dir.toAbsolutePath().toString()).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Could not run kubectl (is it on the PATH?); it renders deploy/kustomize with its"
              + " built-in kustomize: "
              + e.getMessage(),
          e);
    }
    CompletableFuture<String> out = readAsync(process.getInputStream());
    CompletableFuture<String> err = readAsync(process.getErrorStream());
    try {
      if (!process.waitFor(KUBECTL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "kubectl kustomize " + dir + " did not finish in " + KUBECTL_TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "kubectl kustomize "
                + dir
                + " failed (exit "
                + process.exitValue()
                + "): "
                + err.get());
      }
      return parse(out.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * {@code helm template} of the chart with the given {@code --set} values (e.g. {@code
   * "watchNamespaces" -> "{a,b}"}), release name {@code tempdb-operator} in {@code namespace}. CRDs
   * (the chart's crds/) are not part of the output, as with {@code helm template} without
   * --include-crds.
   */
  public static List<HasMetadata> helm(String namespace, Map<String, String> values) {
    var template =
        new Helm(chart()).template().withName("tempdb-operator").withNamespace(namespace);
    values.forEach(template::set);
    return parse(template.call());
  }

  /** Parses multi-document YAML; empty and comment-only documents are skipped. */
  public static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---[ \\t]*$")) {
      boolean empty =
          doc.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
      if (!empty) {
        Object parsed = SERIALIZATION.unmarshal(doc);
        if (!(parsed instanceof HasMetadata object)) {
          throw new IllegalStateException("Not a Kubernetes object: " + doc);
        }
        objects.add(object);
      }
    }
    return objects;
  }

  /** The objects of one kind (e.g. {@code "Deployment"}), converted to {@code type}. */
  public static <T extends HasMetadata> List<T> ofKind(
      List<HasMetadata> objects, String kind, Class<T> type) {
    return objects.stream()
        .filter(o -> kind.equals(o.getKind()))
        .map(o -> type.isInstance(o) ? type.cast(o) : SERIALIZATION.convertValue(o, type))
        .toList();
  }

  /** The only object of that kind; fails if there is none or more than one. */
  public static <T extends HasMetadata> T single(
      List<HasMetadata> objects, String kind, Class<T> type) {
    List<T> found = ofKind(objects, kind, type);
    if (found.size() != 1) {
      throw new AssertionError("Expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  public static Optional<HasMetadata> find(List<HasMetadata> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.getKind()) && name.equals(o.getMetadata().getName()))
        .findFirst();
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
