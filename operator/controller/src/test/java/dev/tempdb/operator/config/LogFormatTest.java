package dev.tempdb.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The operator's logback.xml, as shipped: both formats name the reconciled resource. */
class LogFormatTest {
  @Test
  void jsonLinesCarryTheMessageLevelAndTheReconciledResource() throws Exception {
    String out = logWithFormat("json");
    JsonNode line = new ObjectMapper().readTree(out.lines().findFirst().orElseThrow());
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("formattedMessage").asText())
        .isEqualTo("Granted readonly as tdb_x until later");
    assertThat(line.path("loggerName").asText()).isEqualTo("dev.tempdb.test");
    assertThat(line.path("mdc").path("resource.namespace").asText()).isEqualTo("team-a");
    assertThat(line.path("mdc").path("resource.name").asText()).isEqualTo("readonly-1");
  }

  @Test
  void textLinesNameTheReconciledResource() throws Exception {
    String out = logWithFormat("text");
    assertThat(out).contains("INFO").contains("team-a/readonly-1 - Granted readonly as tdb_x");
  }

  private static String logWithFormat(String format) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter()); // what the slf4j binding does for its own context
    try {
      // The console appender binds System.out when it starts.
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      context.putProperty("TEMPDB_LOG_FORMAT", format);
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      MDC.put("resource.namespace", "team-a");
      MDC.put("resource.name", "readonly-1");
      context
          .getLogger("dev.tempdb.test")
          .info("Granted {} as {} until later", "readonly", "tdb_x");
    } finally {
      MDC.clear();
      context.stop();
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
