package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link PostgresErrors} decides for each SQLSTATE it knows; no database needed. */
class PostgresErrorsTest {

  private static SQLException state(String sqlState) {
    return new SQLException("server said " + sqlState, sqlState);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "08000", // connection_exception
        "08001", // sqlclient_unable_to_establish_sqlconnection
        "08003", // connection_does_not_exist
        "08006", // connection_failure
        "08P01", // protocol_violation
        "40001", // serialization_failure
        "40P01", // deadlock_detected
        "40003", // statement_completion_unknown
        "53000", // insufficient_resources
        "53100", // disk_full
        "53200", // out_of_memory
        "53300", // too_many_connections
        "57000", // operator_intervention
        "57014", // query_canceled (statement_timeout)
        "57P01", // admin_shutdown
        "57P02", // crash_shutdown
        "57P03", // cannot_connect_now
        "58000", // system_error
        "58030", // io_error
        "55P03", // lock_not_available (lock_timeout)
      })
  void healsByItself(String sqlState) {
    assertThat(PostgresErrors.isTransient(state(sqlState))).as(sqlState).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "42501", // insufficient_privilege
        "42704", // undefined_object
        "42601", // syntax_error
        "42P01", // undefined_table
        "42710", // duplicate_object
        "28000", // invalid_authorization_specification
        "28P01", // invalid_password
        "2BP01", // dependent_objects_still_exist
        "22023", // invalid_parameter_value
        "23505", // unique_violation
        "55006", // object_in_use (not lock_not_available)
        "XX000", // internal_error, other than "tuple concurrently updated"
        "57P04", // database_dropped: class 57, but it never comes back by itself
      })
  void needsAPerson(String sqlState) {
    assertThat(PostgresErrors.isTransient(state(sqlState))).as(sqlState).isFalse();
  }

  @Test
  void aConcurrentPrivilegeChangeIsTriedAgain() {
    assertThat(PostgresErrors.isTransient(new SQLException("tuple concurrently updated", "XX000")))
        .isTrue();
  }

  @Test
  void anErrorWithoutSqlStateSaysNothingAndIsTriedAgain() {
    assertThat(PostgresErrors.isTransient(new SQLException("no state"))).isTrue();
  }

  @Test
  void aWrappedErrorIsJudgedByTheSqlStateOfItsCause() {
    SQLException denied = state("42501");
    SQLException lost = state("08006");

    assertThat(PostgresErrors.isTransient(new SQLException("wrapper", (String) null, denied)))
        .isFalse();
    assertThat(PostgresErrors.isTransient(new SQLException("wrapper", (String) null, lost)))
        .isTrue();
    // Not the wrapper's state, nor its type: the pool's timeout around a refused login.
    assertThat(
            PostgresErrors.isTransient(
                new SQLTransientConnectionException("not available", "08001", state("28P01"))))
        .isFalse();
    assertThat(
            PostgresErrors.isTransient(
                new SQLException("outer", (String) null, new RuntimeException(denied))))
        .isFalse();
  }

  @Test
  void aDuplicateObjectOrCatalogUniqueViolationMeansAlreadyThere() {
    assertThat(PostgresErrors.isAlreadyThere(state("42710"))).isTrue();
    assertThat(PostgresErrors.isAlreadyThere(state("23505"))).isTrue();
    assertThat(PostgresErrors.isAlreadyThere(new SQLException("w", (String) null, state("42710"))))
        .isTrue();
    assertThat(PostgresErrors.isAlreadyThere(state("42501"))).isFalse();
    assertThat(PostgresErrors.isAlreadyThere(new SQLException("no state"))).isFalse();
  }
}
