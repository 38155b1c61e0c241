package dev.tempdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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

class BuildFoldersTest {
  @TempDir Path shared;

  @Test
  void callersAskingTogetherWaitForOneMakerAndAllSeeWhatItMade() throws Exception {
    Path folder = shared.resolve("server/base");
    int callers = 4;
    AtomicInteger makes = new AtomicInteger();
    CountDownLatch allAsked = new CountDownLatch(callers);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Path>> asks = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        asks.add(
            pool.submit(
                () -> {
                  allAsked.countDown();
                  allAsked.await(10, TimeUnit.SECONDS);
                  return BuildFolders.once(
                      folder,
                      into -> {
                        makes.incrementAndGet();
                        Files.writeString(into.resolve("bin"), "server");
                      });
                }));
      }
      for (Future<Path> ask : asks) {
        Path made = ask.get(30, TimeUnit.SECONDS);
        assertThat(made).isEqualTo(folder);
        assertThat(made.resolve("bin")).hasContent("server");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(makes).hasValue(1);
  }

  @Test
  void aFolderWhoseMakingFailedIsMadeAgainFromEmpty() {
    Path folder = shared.resolve("data-template");
    assertThatThrownBy(
            () ->
                BuildFolders.once(
                    folder,
                    into -> {
                      Files.writeString(into.resolve("half-written"), "x");
                      throw new IOException("initialisation failed");
                    }))
        .hasMessageContaining("could not make " + folder)
        .hasRootCauseMessage("initialisation failed");

    BuildFolders.once(folder, into -> Files.writeString(into.resolve("ibdata1"), "ok"));

    assertThat(folder.resolve("half-written")).doesNotExist();
    assertThat(folder.resolve("ibdata1")).hasContent("ok");
  }

  @Test
  void aCopyHasTheFilesButNotTheMarkThatTheFolderIsComplete() throws IOException {
    Path template =
        BuildFolders.once(
            shared.resolve("template"),
            into -> {
              Files.createDirectories(into.resolve("mysql"));
              Files.writeString(into.resolve("mysql/user.frm"), "users");
            });
    Path copy = shared.resolve("jvm-1/data");

    BuildFolders.copy(template, copy);

    assertThat(copy.resolve("mysql/user.frm")).hasContent("users");
    try (var files = Files.list(copy)) {
      assertThat(files).extracting(f -> f.getFileName().toString()).containsExactly("mysql");
    }
  }
}
