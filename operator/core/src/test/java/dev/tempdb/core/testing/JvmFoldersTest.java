package dev.tempdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmFoldersTest {
  @TempDir Path homes;

  @Test
  void anEndedJvmsFolderIsRemovedOnceWhenSeveralTestJvmsStartTogether() throws Exception {
    // Test JVMs forked side by side all clean up at start; the folder of a JVM of the previous
    // build must be handled (its server stopped, its files removed) by exactly one of them, and
    // none may fail because another removed a file first.
    Path ended = homes.resolve("jvm-" + endedPid());
    for (int i = 0; i < 200; i++) {
      Files.createDirectories(ended.resolve("data/d" + (i % 10)));
      Files.writeString(ended.resolve("data/d" + (i % 10) + "/f" + i), "x");
    }
    int jvms = 4;
    AtomicInteger cleanups = new AtomicInteger();
    CountDownLatch secondCleanup = new CountDownLatch(2);
    ExecutorService pool = Executors.newFixedThreadPool(jvms);
    try {
      List<Future<Path>> starts = new ArrayList<>();
      for (int i = 0; i < jvms; i++) {
        starts.add(
            pool.submit(
                () ->
                    JvmFolders.forThisJvm(
                        homes,
                        dir -> {
                          cleanups.incrementAndGet();
                          secondCleanup.countDown();
                          awaitQuietly(secondCleanup);
                        })));
      }
      for (Future<Path> start : starts) {
        assertThat(start.get(30, TimeUnit.SECONDS))
            .hasFileName("jvm-" + ProcessHandle.current().pid());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cleanups).hasValue(1);
    assertThat(ended).doesNotExist();
    try (var left = Files.list(homes)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void theFolderOfALiveJvmIsKept() throws Exception {
    Path live = homes.resolve("jvm-" + ProcessHandle.current().pid());
    Files.createDirectories(live.resolve("data"));

    JvmFolders.forThisJvm(homes, dir -> {});

    assertThat(live.resolve("data")).isDirectory();
  }

  private static long endedPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor(10, TimeUnit.SECONDS);
    return p.pid();
  }

  /** Gives a second caller up to a second to arrive, so a double cleanup is seen, not raced. */
  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
