package dev.tempdb.operator.testing;

import static dev.tempdb.operator.testing.OperatorFixture.CONTROL_NS;

import dev.tempdb.api.v1alpha1.ConnectionSettings;
import dev.tempdb.api.v1alpha1.DatabaseServer;
import dev.tempdb.api.v1alpha1.DatabaseServerSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * DatabaseServers of their own on the fixture's PostgreSQL, for tests that break or delete a server
 * (or its admin Secret) without touching the {@code pg} server the other tests of the class use.
 */
public final class ServerCopies {
  private ServerCopies() {}

  /**
   * Creates DatabaseServer {@code name}, a copy of {@code pg} whose admin Secret {@code
   * <name>-admin} holds these credentials; with {@code quickFailures}, a failing attempt takes 2 s
   * (the pool waits connect + statement timeout), not 35 s.
   */
  public static void create(
      OperatorFixture op, String name, String adminUser, String password, boolean quickFailures) {
    adminSecret(op, name, adminUser, password);
    DatabaseServerSpec spec =
        op.client()
            .resources(DatabaseServer.class)
            .inNamespace(CONTROL_NS)
            .withName(OperatorFixture.SERVER)
            .get()
            .getSpec();
    spec.getAdminCredentials().setSecretName(name + "-admin");
    if (quickFailures) {
      ConnectionSettings connection = new ConnectionSettings();
      connection.setConnectTimeout("1s");
      connection.setStatementTimeout("1s");
      spec.setConnection(connection);
    }
    DatabaseServer server = new DatabaseServer();
    server.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(CONTROL_NS).build());
    server.setSpec(spec);
    op.client().resource(server).createOr(r -> r.update());
  }

  /**
   * Deletes the copy and its admin Secret. The mock API server is shared by the test classes of a
   * JVM, and a copy left behind on the same PostgreSQL would, for example, make the next class's
   * orphan sweep find that class's users through the copy instead of {@code pg}.
   */
  public static void delete(OperatorFixture op, String name) {
    op.client().resources(DatabaseServer.class).inNamespace(CONTROL_NS).withName(name).delete();
    op.client().secrets().inNamespace(CONTROL_NS).withName(name + "-admin").delete();
  }

  /** Creates or replaces the admin Secret of DatabaseServer {@code server}. */
  public static void adminSecret(
      OperatorFixture op, String server, String adminUser, String password) {
    op.client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(server + "-admin")
                .withNamespace(CONTROL_NS)
                .endMetadata()
                .addToData("username", b64(adminUser))
                .addToData("password", b64(password))
                .build())
        .createOr(r -> r.update());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
