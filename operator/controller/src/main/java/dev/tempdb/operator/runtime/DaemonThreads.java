package dev.tempdb.operator.runtime;

import java.util.concurrent.ThreadFactory;

/** Background threads that never keep the JVM alive on their own: the shutdown hook owns exit. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Threads named {@code name} (shown in thread dumps and log lines). */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
