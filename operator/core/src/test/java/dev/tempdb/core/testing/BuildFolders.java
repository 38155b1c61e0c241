package dev.tempdb.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Folders made once per build and shared by every test JVM of every module, under the repository's
 * {@code target/test-servers}: what is the same for all of them (a server's unpacked binaries, a
 * freshly initialised data folder to copy) is made by the first JVM that asks, and the others wait
 * for it and use it. Before, each test JVM unpacked MariaDB (350 MB) and initialised MariaDB and
 * MySQL data folders of its own, which cost more CPU than any test, and the initialisations raced:
 * mysqld and mariadbd remove every {@code #sql*} file in their tmpdir as they start, so one JVM's
 * bootstrap deleted another's temporary tables in the shared {@code /tmp}.
 *
 * <p>{@code mvn clean} of the root project removes them, like everything else the build made.
 */
public final class BuildFolders {
  private static final String COMPLETE = ".complete";

  private BuildFolders() {}

  /** How a shared folder is made; it gets an empty folder and fills it. */
  @FunctionalInterface
  public interface Maker {
    void make(Path into) throws IOException, InterruptedException;
  }

  /** {@code <repository>/target/test-servers}. */
  public static Path shared() {
    return ProjectFiles.topLevel("crds").resolveSibling("target").resolve("test-servers");
  }

  /**
   * The folder, made by {@code maker} unless a JVM of this build made it already. A folder whose
   * making did not finish (the JVM died, the maker threw) is emptied and made again.
   */
  public static Path once(Path folder, Maker maker) {
    // A FileLock is held per JVM, not per thread: the monitor orders this JVM's own callers.
    synchronized (BuildFolders.class) {
      try {
        Files.createDirectories(folder.getParent());
        Path lockPath = folder.resolveSibling(folder.getFileName() + ".lock");
        try (FileChannel lockFile =
                FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = lockFile.lock()) {
          if (!Files.exists(folder.resolve(COMPLETE))) {
            JvmFolders.delete(folder);
            Files.createDirectories(folder);
            maker.make(folder);
            Files.createFile(folder.resolve(COMPLETE));
          }
          return folder;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not make " + folder, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while making " + folder, e);
      }
    }
  }

  /** A copy of a folder made by {@link #once}, without its completion mark. */
  public static void copy(Path from, Path to) {
    try (Stream<Path> tree = Files.walk(from)) {
      for (Path source : tree.toList()) {
        Path relative = from.relativize(source);
        if (relative.toString().equals(COMPLETE)) {
          continue;
        }
        Path target = to.resolve(relative.toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not copy " + from + " to " + to, e);
    }
  }
}
