package dev.tempdb.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.GrantedFor;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessSpec;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AccessMetricsTest {
  @Test
  void requestsWithoutASpecOrNeverGrantedNeitherBreakTheCountNorAddSeries() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AccessMetrics metrics = new AccessMetrics(registry);
    TemporaryDbAccess noSpec = new TemporaryDbAccess();
    TemporaryDbAccess hostile = new TemporaryDbAccess();
    hostile.setSpec(new TemporaryDbAccessSpec());
    hostile.getSpec().setTarget("x".repeat(300));

    metrics.recount(Stream.of(noSpec, hostile, granted("readonly", Phase.Active)));

    assertThat(registry.find("tempdb.grants.active").gauges())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.getId().getTag("target")).isEqualTo("readonly");
              assertThat(g.value()).isEqualTo(1.0);
            });
  }

  private static TemporaryDbAccess granted(String target, Phase phase) {
    TemporaryDbAccess access = new TemporaryDbAccess();
    access.setSpec(new TemporaryDbAccessSpec());
    access.getSpec().setTarget(target);
    TemporaryDbAccessStatus status = new TemporaryDbAccessStatus();
    status.setPhase(phase);
    GrantedFor grantedFor = new GrantedFor();
    grantedFor.setTarget(target);
    status.setGrantedFor(grantedFor);
    access.setStatus(status);
    return access;
  }
}
