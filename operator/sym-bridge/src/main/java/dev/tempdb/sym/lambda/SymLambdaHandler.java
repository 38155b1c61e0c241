package dev.tempdb.sym.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tempdb.sym.BridgeSettings;
import dev.tempdb.sym.SymBridge;
import dev.tempdb.sym.SymRequestException;
import dev.tempdb.sym.SymResponse;
import dev.tempdb.sym.kube.KubernetesAccess;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The function Sym's {@code aws_lambda} strategy invokes: handler {@code
 * dev.tempdb.sym.lambda.SymLambdaHandler::handleRequest}. It always answers with Sym's {@code
 * {"body", "errors"}} object, including for a misconfigured function, so the reason reaches the
 * people in Slack rather than only CloudWatch.
 */
public final class SymLambdaHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SymLambdaHandler.class);

  /** Left for writing the answer before Lambda's own timeout cuts the function off. */
  static final Duration ANSWER_MARGIN = Duration.ofSeconds(2);

  private final ObjectMapper json = new ObjectMapper();
  private final Supplier<SymBridge> bridge;
  private SymBridge ready;
  private IllegalArgumentException misconfigured;

  /** Used by Lambda: configuration from the environment, built once per container. */
  public SymLambdaHandler() {
    this(() -> fromEnv(System.getenv()));
  }

  public SymLambdaHandler(Supplier<SymBridge> bridge) {
    this.bridge = bridge;
  }

  static SymBridge fromEnv(Map<String, String> env) {
    KubernetesClient client = KubernetesAccess.fromEnv(env);
    return new SymBridge(client, BridgeSettings.fromEnv(env, client.getNamespace()));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    json.writeValue(output, handle(input, context).toJson());
  }

  private SymResponse handle(InputStream input, Context context) {
    SymBridge bridge;
    try {
      bridge = bridge();
    } catch (IllegalArgumentException e) {
      LOG.error("The function is misconfigured: {}", e.getMessage());
      return SymResponse.failed(
          new SymRequestException(
              SymRequestException.Kind.UNAVAILABLE,
              "The tempdb Sym function is misconfigured: " + e.getMessage() + "."));
    }
    JsonNode payload;
    try {
      payload = json.readTree(input);
    } catch (JacksonException e) {
      return SymResponse.failed(
          SymRequestException.invalid("The request body is not JSON; check what calls this."));
    } catch (IOException e) {
      return SymResponse.failed(
          new SymRequestException(
              SymRequestException.Kind.UNAVAILABLE, "The request could not be read; try again."));
    }
    Duration budget =
        context == null
            ? bridge.settings().waitTimeout()
            : Duration.ofMillis(context.getRemainingTimeInMillis()).minus(ANSWER_MARGIN);
    if (budget.isNegative() || budget.isZero()) {
      return SymResponse.failed(
          new SymRequestException(
              SymRequestException.Kind.UNAVAILABLE,
              "The function's timeout is too short to wait for a grant; set it to"
                  + " TEMPDB_SYM_WAIT_TIMEOUT plus at least 5 seconds."));
    }
    return bridge.handle(payload, budget);
  }

  /** Builds the bridge on first use; a configuration error is kept and reported every time. */
  private synchronized SymBridge bridge() {
    if (misconfigured != null) {
      throw misconfigured;
    }
    if (ready == null) {
      try {
        ready = bridge.get();
      } catch (IllegalArgumentException e) {
        misconfigured = e;
        throw e;
      }
    }
    return ready;
  }
}
