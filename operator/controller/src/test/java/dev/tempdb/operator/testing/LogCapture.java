package dev.tempdb.operator.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Records every log line of the test JVM, to prove secrets never reach a log. */
public final class LogCapture {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    // The root at DEBUG: our own code's DEBUG lines are captured too. Libraries pinned to WARN in
    // logback-test.xml (fabric8, JOSDK, Hikari, netty, Vert.x, pgjdbc) are captured at WARN and
    // above only.
    root.setLevel(ch.qos.logback.classic.Level.DEBUG);
    appender.start();
    root.addAppender(appender);
  }

  /** Every message and stack trace logged so far, as text. */
  public List<String> lines() {
    // ListAppender appends while holding the appender's own lock.
    synchronized (appender) {
      return appender.list.stream()
          .map(
              e ->
                  e.getFormattedMessage()
                      + (e.getThrowableProxy() == null
                          ? ""
                          : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
          .toList();
    }
  }
}
