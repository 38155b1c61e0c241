package dev.tempdb.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder per test JVM under {@code target/}, for embedded servers: two builds on one machine (or
 * two modules' test JVMs) never share one, and the folders of JVMs that have ended are removed at
 * the next start, so at most one stays behind per module.
 */
public final class JvmFolders {
  private static final Pattern JVM_FOLDER = Pattern.compile("(?:removing-\\d+-)?jvm-(\\d{1,18})");
  private static final AtomicInteger SEQ = new AtomicInteger();

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
        if (isOfEndedJvm(dir.getFileName().toString())) {
          claim(homes, dir).ifPresent(claimed -> removeClaimed(claimed, beforeRemoval));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not clean up " + homes, e);
    }
  }

  /**
   * Test JVMs forked side by side all clean up as they start, so two of them see the same ended
   * folder. A rename is atomic: the one that renames it owns it (stops its server, deletes it), the
   * others find it gone and move on.
   */
  private static Optional<Path> claim(Path homes, Path dir) {
    Path claimed =
        homes.resolve(
            "removing-" + SEQ.incrementAndGet() + "-jvm-" + ProcessHandle.current().pid());
    try {
      return Optional.of(Files.move(dir, claimed, StandardCopyOption.ATOMIC_MOVE));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("could not claim " + dir + " for removal", e);
    }
  }

  private static void removeClaimed(Path claimed, Consumer<Path> beforeRemoval) {
    beforeRemoval.accept(claimed);
    try {
      delete(claimed);
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + claimed, e);
    }
  }

  /**
   * {@code jvm-<pid>}, or a claim {@code removing-<n>-jvm-<pid>} whose claimer ended before it
   * finished removing, of a process that is no longer alive.
   */
  private static boolean isOfEndedJvm(String name) {
    Matcher folder = JVM_FOLDER.matcher(name);
    return folder.matches()
        && ProcessHandle.of(Long.parseLong(folder.group(1))).map(p -> !p.isAlive()).orElse(true);
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
