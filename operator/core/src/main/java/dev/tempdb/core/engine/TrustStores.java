package dev.tempdb.core.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * Writes a server's CA bundle where its driver reads it: pgJDBC takes a PEM file, MySQL Connector/J
 * only a key store. Files are private to the operator and deleted at exit.
 */
final class TrustStores {
  private TrustStores() {}

  static Path pemFile(ServerEndpoint server) {
    try {
      Path file = privateTempFile(".pem");
      Files.writeString(file, server.caPem());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the CA bundle of " + server.name(), e);
    }
  }

  /**
   * @throws EngineException (permanent) when the bundle holds no valid certificate
   */
  static Path pkcs12File(ServerEndpoint server, String storePassword) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (Certificate cert :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(server.caPem().getBytes(StandardCharsets.UTF_8)))) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      if (i == 0) {
        throw new EngineException(
            "the CA bundle of " + server.name() + " holds no certificate", true, null);
      }
      Path file = privateTempFile(".p12");
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, storePassword.toCharArray());
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the CA bundle of " + server.name(), e);
    } catch (GeneralSecurityException e) {
      throw new EngineException(
          "the CA bundle of " + server.name() + " is not valid PEM: " + e.getMessage(), true, e);
    }
  }

  private static Path privateTempFile(String suffix) throws IOException {
    Path file =
        Files.createTempFile(
            "tempdb-ca-",
            suffix,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    file.toFile().deleteOnExit();
    return file;
  }
}
