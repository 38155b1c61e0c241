package dev.tempdb.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Dockerfile's invariants that the manifests rely on (there is no engine to build it here). */
class DockerfileTest {
  private static List<String> instructions;
  private static List<String> runtimeStage;

  @BeforeAll
  static void read() throws IOException {
    Path dockerfile = RenderedManifests.repositoryRoot().resolve("Dockerfile");
    // Join continuation lines, drop comments and blank lines.
    String joined =
        Files.readAllLines(dockerfile).stream()
            .filter(l -> !l.stripLeading().startsWith("#"))
            .collect(Collectors.joining("\n"))
            .replaceAll("\\\\\n", " ");
    instructions = joined.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    int lastFrom = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).startsWith("FROM ")) {
        lastFrom = i;
      }
    }
    runtimeStage = instructions.subList(lastFrom, instructions.size());
  }

  @Test
  void buildsWithAJdkAndRunsOnAJre() {
    List<String> froms = instructions.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(froms).hasSizeGreaterThanOrEqualTo(2);
    assertThat(froms.get(0)).startsWith("FROM eclipse-temurin:17-jdk");
    assertThat(runtimeStage.get(0)).matches("FROM eclipse-temurin:17-jre\\S*");
    assertThat(instructions)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("RUN ")
                    .contains("./mvnw", "-pl operator/controller", "-am", "-DskipTests")
                    .contains("dependency:copy-dependencies", "-DincludeScope=runtime"));
  }

  @Test
  void runsAsANumericNonRootUser() {
    List<String> users = runtimeStage.stream().filter(l -> l.startsWith("USER ")).toList();
    assertThat(users).isNotEmpty();
    String user = users.get(users.size() - 1).substring("USER ".length()).strip();
    assertThat(user).matches("\\d+(:\\d+)?");
    assertThat(Arrays.stream(user.split(":")).mapToInt(Integer::parseInt)).allMatch(id -> id > 0);
    // Manifests run it as 65532 too.
    assertThat(user).startsWith("65532");
  }

  @Test
  void entrypointRunsTheOperatorsMainClassWithContainerJvmFlags() throws Exception {
    List<String> entrypoint = entrypoint();
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint)
        .contains("-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError")
        .anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage="));
    String mainClass = entrypoint.get(entrypoint.size() - 1);
    assertThat(mainClass).isEqualTo("dev.tempdb.operator.Main");
    Class<?> main = Class.forName(mainClass);
    assertThat(main.getMethod("main", String[].class)).isNotNull();

    // The classpath directories are the ones the runtime stage fills.
    String classpath = entrypoint.get(entrypoint.indexOf("-cp") + 1);
    for (String entry : classpath.split(":")) {
      String dir = entry.substring(0, entry.lastIndexOf('/') + 1);
      assertThat(runtimeStage).anyMatch(l -> l.startsWith("COPY --from=") && l.endsWith(" " + dir));
    }
  }

  @Test
  void exposesTheManagementPort() {
    assertThat(runtimeStage).contains("EXPOSE 8080");
  }

  @Test
  void buildContextLeavesOutBuildOutput() throws IOException {
    List<String> ignored =
        Files.readAllLines(RenderedManifests.repositoryRoot().resolve(".dockerignore"));
    assertThat(ignored).contains("**/target/", ".git");
  }

  private static List<String> entrypoint() throws IOException {
    List<String> lines = runtimeStage.stream().filter(l -> l.startsWith("ENTRYPOINT ")).toList();
    assertThat(lines).as("one ENTRYPOINT in the runtime stage").hasSize(1);
    String json = lines.get(0).substring("ENTRYPOINT ".length()).strip();
    assertThat(json).as("exec form, no shell").startsWith("[");
    return new ArrayList<>(Arrays.asList(new ObjectMapper().readValue(json, String[].class)));
  }
}
