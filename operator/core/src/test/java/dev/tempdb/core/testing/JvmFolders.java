package dev.tempdb.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A folder per test JVM under {@code target/}, for embedded servers: two builds on one machine (or
 * two modules' test JVMs) never share one, and the folders of JVMs that have ended are removed at
 * the next start, so at most one stays behind per module.
 */
public final class JvmFolders {
  private JvmFolders() {}

  /** {@code <homes>/jvm-<pid>}, after removing the folders of ended JVMs under {@code homes}. */
  public static Path forThisJvm(Path homes) {
    return forThisJvm(homes, dir -> {});
  }

  /**
   * @param beforeRemoval called with each ended JVM's folder before it goes, e.g. to stop a server
   *     that outlived a JVM killed without running its shutdown hooks
   */
  public static Path forThisJvm(Path homes, Consumer<Path> beforeRemoval) {
    removeEnded(homes, beforeRemoval);
    return homes.resolve("jvm-" + ProcessHandle.current().pid());
  }

  private static void removeEnded(Path homes, Consumer<Path> beforeRemoval) {
    if (!Files.isDirectory(homes)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(homes)) {
      for (Path dir : dirs.toList()) {
        String name = dir.getFileName().toString();
        boolean ended =
            name.startsWith("jvm-")
                && name.length() > 4
                && name.substring(4).chars().allMatch(Character::isDigit)
                && ProcessHandle.of(Long.parseLong(name.substring(4)))
                    .map(p -> !p.isAlive())
                    .orElse(true);
        if (ended) {
          beforeRemoval.accept(dir);
          delete(dir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not clean up " + homes, e);
    }
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(dir)) {
      tree.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
