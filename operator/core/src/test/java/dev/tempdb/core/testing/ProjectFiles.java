package dev.tempdb.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository's top-level folders (crds/, targets/) from wherever the JVM runs: a module's
 * folder under Maven's test runners, the repository root under exec:java.
 */
public final class ProjectFiles {
  private ProjectFiles() {}

  public static Path topLevel(String folder) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(folder)) && Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir.resolve(folder);
      }
    }
    throw new IllegalStateException(
        folder + "/ not found above " + Path.of("").toAbsolutePath() + "; run from the repository");
  }
}
