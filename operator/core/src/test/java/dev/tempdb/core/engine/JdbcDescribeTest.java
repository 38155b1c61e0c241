package dev.tempdb.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** {@link Jdbc#describe}: why a connection failed, the same words on every attempt. */
class JdbcDescribeTest {
  @Test
  void aPoolTimeoutIsDescribedByTheDriversFailureUnderIt() {
    SQLException driver =
        new SQLException(
            "Communications link failure\n\nThe last packet sent successfully to the server was 0"
                + " milliseconds ago.",
            "08S01",
            new ConnectException("Connection refused"));

    String described = Jdbc.describe(poolTimeout(35001, 3, driver));

    assertThat(described)
        .isEqualTo(
            "Communications link failure The last packet sent successfully to the server was 0"
                + " milliseconds ago. (ConnectException: Connection refused)")
        .isEqualTo(Jdbc.describe(poolTimeout(35002, 49, driver)));
  }

  @Test
  void aPoolTimeoutWithoutACauseSaysEveryConnectionWasBusyWithoutItsChangingCounters() {
    assertThat(Jdbc.describe(poolTimeout(35001, 7, null)))
        .isEqualTo("no pooled connection to the server became free within the connection timeout");
  }

  @Test
  void anyOtherErrorKeepsItsOwnMessage() {
    SQLException denied = new SQLException("permission denied for table orders", "42501");

    assertThat(Jdbc.describe(denied)).isEqualTo("permission denied for table orders");
  }

  /** As HikariCP 7 words it, with the last connection failure as its cause. */
  private static SQLTransientConnectionException poolTimeout(
      long millis, int waiting, Throwable cause) {
    return new SQLTransientConnectionException(
        "tempdb-pg - Connection is not available, request timed out after "
            + millis
            + "ms (total=0, active=0, idle=0, waiting="
            + waiting
            + ")",
        "08001",
        cause);
  }
}
