package dev.tempdb.sym.webhook;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor of one JDK {@code HttpServer}, bounding what a slow or stalled client can hold.
 *
 * <p>The JDK server hands a connection to its executor as soon as the first byte arrives, and that
 * thread then reads the request line, the headers and (in the handler) the body with blocking reads
 * that have no timeout. So each exchange runs on its own thread (at most {@code maxRequests} at
 * once; one more is refused and the server closes its connection, nothing queues), and a deadline
 * interrupts that thread if the request has not been completely received within {@code timeout}.
 * Interrupting a thread blocked on a socket channel closes the channel: the client is disconnected
 * and the thread is free again. A handler calls {@link #received()} once it has read the whole
 * body; what it does after that (waiting for a grant) is not bounded here.
 *
 * <p>The JDK's own {@code sun.net.httpserver.maxReqTime} would do the closing too, but it is a
 * JVM-wide system property read once per JVM, and in the operator it would also govern the
 * management server.
 */
final class RequestDeadlines implements Executor, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RequestDeadlines.class);
  private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();

  private final String name;
  private final Duration timeout;
  private final int maxRequests;
  private final String limitName;
  private final ThreadPoolExecutor threads;
  private final ScheduledThreadPoolExecutor timer;

  /**
   * @param name names the threads and the log lines, e.g. "sym-webhook"
   * @param timeout how long a request may take to arrive, from its first byte to its last
   * @param maxRequests requests in progress at once (being received or handled)
   * @param limitName where that limit comes from, for the log line
   */
  RequestDeadlines(String name, Duration timeout, int maxRequests, String limitName) {
    this.name = name;
    this.timeout = timeout;
    this.maxRequests = maxRequests;
    this.limitName = limitName;
    this.threads =
        new ThreadPoolExecutor(
            0, maxRequests, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), daemons(name));
    this.timer = new ScheduledThreadPoolExecutor(1, daemons(name + "-deadline"));
    timer.setRemoveOnCancelPolicy(true); // most deadlines are cancelled; do not keep them queued
  }

  @Override
  public void execute(Runnable exchange) {
    try {
      threads.execute(() -> run(exchange));
    } catch (RejectedExecutionException e) {
      if (!threads.isShutdown()) {
        LOG.warn(
            "{}: {} requests are already in progress ({}); closing a new connection",
            name,
            maxRequests,
            limitName);
      }
      throw e; // the HttpServer closes the connection
    }
  }

  private void run(Runnable exchange) {
    Deadline deadline = new Deadline(Thread.currentThread());
    ScheduledFuture<?> expiry =
        timer.schedule(() -> expire(deadline), timeout.toMillis(), TimeUnit.MILLISECONDS);
    CURRENT.set(deadline);
    try {
      exchange.run();
    } finally {
      deadline.disarm();
      expiry.cancel(false);
      CURRENT.remove();
      // An expiry that landed after the last read must not interrupt this thread's next exchange.
      Thread.interrupted();
    }
  }

  private void expire(Deadline deadline) {
    if (deadline.expire()) {
      LOG.warn(
          "{}: a request did not arrive completely within {} (TEMPDB_SYM_WEBHOOK_REQUEST_TIMEOUT);"
              + " its connection is closed",
          name,
          timeout.toString().substring(2).toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Called by a handler on its own thread once the whole request (headers and body) is read; the
   * deadline no longer applies to it.
   *
   * @return false when the deadline had already passed: the connection is closed or closing, so the
   *     handler must not act on the request
   */
  static boolean received() {
    Deadline deadline = CURRENT.get();
    return deadline == null || deadline.disarm();
  }

  @Override
  public void close() {
    threads.shutdownNow();
    timer.shutdownNow();
  }

  private static final class Deadline {
    private final Thread thread;
    private boolean armed = true;
    private boolean expired;

    Deadline(Thread thread) {
      this.thread = thread;
    }

    /** True unless it had expired. */
    synchronized boolean disarm() {
      armed = false;
      return !expired;
    }

    /** True when it was still armed, and so interrupted the thread. */
    synchronized boolean expire() {
      if (!armed) {
        return false;
      }
      armed = false;
      expired = true;
      thread.interrupt();
      return true;
    }
  }

  private static ThreadFactory daemons(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
