package dev.tempdb.operator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.core.sink.SinkException;
import dev.tempdb.operator.access.TargetUnavailableException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void enginesAndSinksSayWhetherTheirFailureIsPermanent() {
    assertThat(Failures.isPermanent(FakeEngine.permanent("syntax error"))).isTrue();
    assertThat(Failures.isPermanent(FakeEngine.retryable("connection refused"))).isFalse();
    assertThat(Failures.isPermanent(SinkException.permanent("name taken"))).isTrue();
    assertThat(Failures.isPermanent(SinkException.retryable("throttled", null))).isFalse();
  }

  @Test
  void aConditionIsPermanentAndAnythingUnknownIsRetried() {
    assertThat(
            Failures.isPermanent(
                new TargetUnavailableException(Reasons.TARGET_NOT_FOUND, "no target")))
        .isTrue();
    assertThat(Failures.isPermanent(new IllegalStateException("server gone"))).isFalse();
    assertThat(Failures.isPermanent(new RuntimeException("socket closed"))).isFalse();
  }
}
