package dev.tempdb.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's run command, end to end: the same code path with a short lease. */
class SandboxIT {
  @Test
  void narratesGrantLoginExpiryAndRefusedLogin() throws Exception {
    ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    new Sandbox(new PrintStream(transcript, true, StandardCharsets.UTF_8), Duration.ofSeconds(8))
        .run(false);

    String text = transcript.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("/metrics, probes: /healthz/")
        .contains("Phase Active: user tdb_dana_lee_")
        .contains("SELECT count(*) FROM customers -> 3")
        .contains("DELETE FROM customers -> refused: ERROR: permission denied")
        .contains("Phase Expired")
        .contains("Credentials Secret deleted.")
        .contains("Login with the old password -> refused")
        .contains("Sandbox finished");
  }
}
