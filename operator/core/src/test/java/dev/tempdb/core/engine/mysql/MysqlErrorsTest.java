package dev.tempdb.core.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@link MysqlErrors} decides for each vendor code and SQLSTATE it knows; no database needed.
 * SQLSTATEs are the ones MySQL and MariaDB send with each code.
 */
class MysqlErrorsTest {

  private static SQLException error(String sqlState, int code) {
    return new SQLException("server said " + code, sqlState, code);
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource({
    "HY000, 1205", // lock wait timeout
    "40001, 1213", // deadlock
    "HY000, 2002", // cannot connect through the socket
    "HY000, 2003", // cannot connect to the host
    "HY000, 2006", // server has gone away
    "HY000, 2013", // lost connection during query
    "08004, 1040", // too many connections
    "42000, 1203", // user has more than max_user_connections
    "70100, 1317", // query interrupted
    "70100, 1927", // connection killed (MariaDB)
    "70100, 1969", // statement timeout (MariaDB)
    "HY000, 3024", // execution time exceeded (MySQL)
    "08S01, 0", // communications link failure (the driver's, no vendor code)
    "08001, 0", // unable to connect
    "40001, 0", // serialisation failure
  })
  void healsByItself(String sqlState, int code) {
    assertThat(MysqlErrors.isTransient(error(sqlState, code))).isTrue();
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource({
    "42000, 1044", // access denied to a database
    "28000, 1045", // access denied (login)
    "42000, 1142", // table access denied
    "42000, 1227", // specific privilege (SUPER, CREATE USER) needed
    "42000, 1064", // syntax error
    "HY000, 1396", // operation CREATE USER / DROP USER failed
    "42S02, 1146", // table does not exist
    "42000, 1141", // no such grant
    "HY000, 1470", // user name too long
    "HY000, 1094", // unknown thread id
  })
  void needsAPerson(String sqlState, int code) {
    assertThat(MysqlErrors.isTransient(error(sqlState, code))).isFalse();
  }

  @Test
  void theDriversTransientAndRecoverableExceptionsAreTriedAgain() {
    assertThat(MysqlErrors.isTransient(new SQLRecoverableException("link failure", "08S01")))
        .isTrue();
    assertThat(MysqlErrors.isTransient(new SQLTransactionRollbackException("rollback", "HY000")))
        .isTrue();
    assertThat(
            MysqlErrors.isTransient(
                new SQLNonTransientConnectionException("connection closed", "08003")))
        .isTrue();
  }

  @Test
  void anErrorWithoutSqlStateOrCodeSaysNothingAndIsTriedAgain() {
    assertThat(MysqlErrors.isTransient(new SQLException("nothing known"))).isTrue();
  }

  @Test
  void aWrappedErrorIsJudgedByTheCodeOfItsCause() {
    SQLException denied = error("28000", 1045);
    SQLException deadlock = error("40001", 1213);

    assertThat(MysqlErrors.isTransient(new SQLException("wrapper", null, 0, denied))).isFalse();
    assertThat(MysqlErrors.isTransient(new SQLException("wrapper", null, 0, deadlock))).isTrue();
    // The pool's timeout copies its cause's SQLSTATE but is a transient type: the refused login
    // inside decides, a wrong admin password does not heal by retrying.
    assertThat(
            MysqlErrors.isTransient(
                new SQLTransientConnectionException("not available", "28000", denied)))
        .isFalse();
    assertThat(
            MysqlErrors.isTransient(
                new SQLTransientConnectionException(
                    "not available", "08S01", new SQLRecoverableException("link", "08S01"))))
        .isTrue();
    assertThat(
            MysqlErrors.isTransient(
                new SQLException("outer", null, 0, new RuntimeException(error("HY000", 2013)))))
        .isTrue();
  }

  @Test
  void theExpectedErrorsCallersStepOverAreRecognisedAlsoWhenWrapped() {
    assertThat(MysqlErrors.isUnknownThread(error("HY000", 1094))).isTrue();
    assertThat(MysqlErrors.isUnknownThread(error("HY000", 1095))).isFalse();
    assertThat(MysqlErrors.isParseError(error("42000", 1064))).isTrue();
    assertThat(MysqlErrors.isNoSuchGrant(error("42000", 1141))).isTrue();
    assertThat(MysqlErrors.isNoSuchGrant(new SQLException("w", null, 0, error("42000", 1141))))
        .isTrue();
    assertThat(MysqlErrors.isParseError(new SQLException("nothing known"))).isFalse();
  }
}
