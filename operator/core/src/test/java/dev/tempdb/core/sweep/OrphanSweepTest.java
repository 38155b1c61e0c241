package dev.tempdb.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tempdb.api.v1alpha1.OwnedObjects;
import dev.tempdb.core.engine.ManagedUser;
import dev.tempdb.core.engine.RevocationResult;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.TemporaryUsers;
import dev.tempdb.core.engine.UserGrant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphanSweepTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  /**
   * Records which users the sweep asked to revoke; the engine itself is tested against PostgreSQL.
   * The sweep only revokes, so the double is {@link TemporaryUsers} alone.
   */
  private static final class RecordingEngine implements TemporaryUsers {
    final List<String> revoked = new ArrayList<>();

    @Override
    public RevocationResult revoke(String username, String revokeSql, OwnedObjects ownedObjects) {
      if (username.contains("cursed")) {
        throw new IllegalStateException("permission denied to alter role");
      }
      revoked.add(username);
      return new RevocationResult(Outcome.DROPPED, java.util.List.of(), null);
    }

    @Override
    public void provision(UserGrant grant) {
      throw new UnsupportedOperationException("the sweep never provisions");
    }

    @Override
    public boolean changeExpiry(String username, Instant expiresAt) {
      throw new UnsupportedOperationException("the sweep never changes an expiry");
    }
  }

  @Test
  void dropsOnlyOldUsersThatNoLiveRequestAccountsFor() {
    RecordingEngine engine = new RecordingEngine();
    List<ManagedUser> users =
        List.of(
            new ManagedUser("tdb_live_aaaaaaaa", NOW.minus(Duration.ofHours(2))),
            new ManagedUser("tdb_orphan_bbbbbbbb", NOW.minus(Duration.ofHours(2))),
            new ManagedUser("tdb_in_flight_cccccccc", NOW.minus(Duration.ofMinutes(3))),
            new ManagedUser("tdb_no_timestamp_dddddddd", null));

    List<String> removed =
        OrphanSweep.sweep(
            engine, users, Set.of("tdb_live_aaaaaaaa")::contains, NOW, Duration.ofMinutes(10));

    assertThat(removed).containsExactly("tdb_orphan_bbbbbbbb");
    assertThat(engine.revoked).containsExactly("tdb_orphan_bbbbbbbb");
  }

  @Test
  void oneUserThatCannotBeRemovedDoesNotStopTheOthers() {
    RecordingEngine engine = new RecordingEngine();
    Instant old = NOW.minus(Duration.ofHours(2));
    List<ManagedUser> users =
        List.of(
            new ManagedUser("tdb_cursed_aaaaaaaa", old), new ManagedUser("tdb_next_bbbbbbbb", old));

    assertThat(OrphanSweep.sweep(engine, users, u -> false, NOW, Duration.ofMinutes(10)))
        .containsExactly("tdb_next_bbbbbbbb");
  }
}
