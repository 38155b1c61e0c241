package dev.tempdb.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fails when {@code crds/} differs from what the build generates from the API classes. Run with
 * {@code -Dtempdb.updateCrds=true} to rewrite {@code crds/} after changing the API.
 *
 * <p>The fabric8 generator sorts printer columns by JSON path (fabric8io/kubernetes-client#7454),
 * and kubectl shows them in CRD order, so this also restores the order the classes declare.
 */
class CrdDriftTest {
  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path COMMITTED = Path.of("../../crds");

  @ParameterizedTest
  @ValueSource(classes = {DatabaseServer.class, AccessTarget.class, TemporaryDbAccess.class})
  void committedCrdMatchesGenerated(Class<? extends CustomResource<?, ?>> kind) throws IOException {
    String crdName = CustomResource.getCRDName(kind);
    String generated = render(GENERATED.resolve(crdName + "-v1.yml"), kind);
    Path committed = COMMITTED.resolve(crdName + ".yaml");
    if (Boolean.getBoolean("tempdb.updateCrds")) {
      Files.writeString(committed, generated);
    }
    assertThat(committed)
        .as("crds/ is stale: run ./mvnw -pl operator/api verify -Dtempdb.updateCrds=true")
        .exists();
    assertThat(Files.readString(committed)).isEqualTo(generated);
  }

  private static String render(Path generatedFile, Class<?> kind) throws IOException {
    CustomResourceDefinition crd =
        Serialization.unmarshal(Files.readString(generatedFile), CustomResourceDefinition.class);
    List<String> declared =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    crd.getSpec()
        .getVersions()
        .forEach(
            v ->
                v.getAdditionalPrinterColumns()
                    .sort(
                        Comparator.comparingInt(
                            (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName()))));
    KindDescription description = kind.getAnnotation(KindDescription.class);
    crd.getSpec()
        .getVersions()
        .forEach(
            v -> {
              var schema = v.getSchema().getOpenAPIV3Schema();
              schema.setDescription(description.value());
              schema.getProperties().get("spec").setDescription(description.spec());
              schema.getProperties().get("status").setDescription(description.status());
            });
    return "# Generated from operator/api by the build (see CrdDriftTest). Do not edit.\n"
        + Serialization.asYaml(crd);
  }
}
