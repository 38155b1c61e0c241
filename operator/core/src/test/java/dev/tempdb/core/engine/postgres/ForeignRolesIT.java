package dev.tempdb.core.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.core.engine.EngineException;
import dev.tempdb.core.engine.RevocationResult.Outcome;
import dev.tempdb.core.engine.UserGrant;
import dev.tempdb.core.naming.Passwords;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A role that has a request's generated name but that this operator did not create for it is never
 * adopted, locked or dropped: resetting its password would hand someone's account, with all it
 * holds, to the requester.
 */
class ForeignRolesIT {
  @RegisterExtension
  static final PgTestbed db =
      PgTestbed.withSchema(
          "test/foreign-roles", "fr_app", "CREATE TABLE fr_app.payroll (salary int)");

  @Test
  void aRoleSomeoneElseMadeWithTheGeneratedNameIsNeitherAdoptedNorRevoked() throws SQLException {
    String user = PgCatalog.unique("tdb_fr_");
    String theirs = Passwords.generate();
    db.pg()
        .superuser(
            "CREATE ROLE " + user + " LOGIN PASSWORD '" + theirs + "'",
            "GRANT USAGE ON SCHEMA fr_app TO " + user,
            "GRANT SELECT ON fr_app.payroll TO " + user);
    String requesters = Passwords.generate();

    assertThatThrownBy(() -> db.engine().provision(PgTestbed.grant(user, requesters, "SELECT 1")))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("already exists and this operator did not create it")
        .matches(e -> ((EngineException) e).isPermanent());
    assertThat(db.engine().revoke(user, null).outcome()).isEqualTo(Outcome.ALREADY_ABSENT);

    assertThatThrownBy(() -> db.pg().login(user, requesters).close())
        .isInstanceOf(SQLException.class);
    try (Connection c = db.pg().login(user, theirs)) {
      c.createStatement().executeQuery("SELECT count(*) FROM fr_app.payroll").close();
    }
    assertThat(
            db.catalog()
                .column("SELECT rolvaliduntil FROM pg_roles WHERE rolname = '" + user + "'"))
        .containsExactly((String) null);
  }

  @Test
  void anotherRequestsUserIsNotTakenOverEitherButTheSameRequestMayRetry() throws SQLException {
    String user = PgCatalog.unique("tdb_fr_");
    db.engine().provision(grant(user, "team-a/first requester=a@x.example"));

    assertThatThrownBy(
            () -> db.engine().provision(grant(user, "team-b/second requester=b@x.example")))
        .hasMessageContaining("did not create it for this request");
    String again = Passwords.generate();
    db.engine()
        .provision(
            new UserGrant(
                user,
                again,
                Instant.now().plusSeconds(600),
                1,
                null,
                "team-a/first requester=a@x.example",
                null,
                Set.of()));
    try (Connection c = db.pg().login(user, again)) {
      assertThat(c.isValid(2)).as("a crashed attempt of the same request is reset").isTrue();
    }
    assertThat(db.engine().revoke(user, null).outcome()).isEqualTo(Outcome.DROPPED);
  }

  private static UserGrant grant(String user, String owner) {
    return new UserGrant(
        user, Passwords.generate(), Instant.now().plusSeconds(600), 1, null, owner, null, Set.of());
  }
}
