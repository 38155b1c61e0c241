package dev.tempdb.operator;

import static dev.tempdb.operator.testing.OperatorFixture.REQUESTS_NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.operator.status.Conditions;
import dev.tempdb.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end: TemporaryDbAccess resources on the mock API server become real PostgreSQL users,
 * proven by logging in with the published password.
 */
class TemporaryDbAccessIT {
  static final String READONLY_SQL =
      "GRANT USAGE ON SCHEMA shop TO {username};\n"
          + "GRANT SELECT ON ALL TABLES IN SCHEMA shop TO {username};";
  static OperatorFixture op;

  @BeforeAll
  static void start() {
    op = new OperatorFixture();
    op.postgres()
        .superuser(
            "DROP SCHEMA IF EXISTS shop CASCADE",
            "CREATE SCHEMA shop",
            "CREATE TABLE shop.orders (id int PRIMARY KEY, item text)",
            "INSERT INTO shop.orders VALUES (1, 'book')");
    op.target("readonly", READONLY_SQL, null, "8h");
  }

  @AfterAll
  static void stop() {
    op.close();
  }

  @Test
  void grantPublishesCredentialsThatLogInWithExactlyTheTargetRights() throws SQLException {
    op.request("grant-1", "readonly", "dana.lee@acme-corp.example", "1h");

    TemporaryDbAccess tda = op.awaitPhase("grant-1", Phase.Active);

    var status = tda.getStatus();
    assertThat(status.getUsername()).matches("tdb_dana_lee_[a-z2-7]{8}");
    assertThat(status.getServer()).isEqualTo(OperatorFixture.SERVER);
    assertThat(status.getObservedGeneration()).isEqualTo(tda.getMetadata().getGeneration());
    assertThat(
            Duration.between(
                Instant.parse(status.getGrantedAt()), Instant.parse(status.getExpiresAt())))
        .isEqualTo(Duration.ofHours(1));
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.READY)).isTrue();
    assertThat(status.getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .containsExactly(
            "Ready=True/Granted",
            "UserProvisioned=True/UserCreated",
            "CredentialsPublished=True/Published");

    Secret secret = op.secret(status.getCredentials().getKubernetesSecret());
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(tda.getMetadata().getUid()));
    Map<String, String> creds = OperatorFixture.decode(secret);
    assertThat(creds)
        .containsEntry("username", status.getUsername())
        .containsEntry("host", "db.example.internal")
        .containsEntry("port", Integer.toString(op.postgres().port()))
        .containsEntry("database", "postgres")
        .containsEntry("expiresAt", status.getExpiresAt())
        .containsKeys("password", "uri", "jdbcUrl");
    String password = creds.get("password");

    try (Connection c = op.postgres().login(status.getUsername(), password);
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT item FROM shop.orders");
      assertThat(rs.next()).isTrue();
      assertThatThrownBy(() -> s.execute("INSERT INTO shop.orders VALUES (2, 'pen')"))
          .hasMessageContaining("permission denied");
    }

    String statusJson = Serialization.asJson(op.get("grant-1").getStatus());
    assertThat(statusJson).doesNotContain(password);
    List<Event> events = eventsFor("grant-1");
    assertThat(events).extracting(Event::getReason).contains("Granted");
    assertThat(events).allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(password));
  }

  static List<Event> eventsFor(String name) {
    return op.client().v1().events().inNamespace(REQUESTS_NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
