package dev.tempdb.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tempdb.core.sink.aws.AwsSecretsManagerSettings;
import dev.tempdb.core.sink.aws.SecretNameTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A test double of AWS Secrets Manager that speaks its wire protocol (AWS JSON 1.1 over HTTP,
 * operation in {@code X-Amz-Target}), so the real AWS SDK client can be pointed at it with an
 * endpoint override. No emulator can be installed on the build machines (see FACTS.md).
 *
 * <p>It serves CreateSecret, PutSecretValue, DescribeSecret, GetSecretValue, TagResource,
 * RestoreSecret, ListSecrets and DeleteSecret as the AWS API reference describes them, including
 * their documented error types: ResourceExistsException, ResourceNotFoundException,
 * InvalidRequestException (a secret scheduled for deletion), InvalidParameterException (bad names,
 * tags or parameters), InvalidNextTokenException. Requests must carry a SigV4 Authorization header
 * scoped to this service and region (the signature itself is not recomputed).
 *
 * <p>Tests can queue faults per operation (an AWS error or a delay) and read what is stored.
 */
public final class SecretsManagerDouble implements AutoCloseable {
  public static final String REGION = "eu-west-1";
  public static final String ACCOUNT = "111122223333";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
  private static final Pattern TAG_CHARS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  private static final String CURRENT = "AWSCURRENT";
  private static final String PREVIOUS = "AWSPREVIOUS";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Secret> secrets = new LinkedHashMap<>();
  private final Map<String, Deque<Fault>> faults = new HashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();

  /** One stored secret; only this class changes it, under its lock. */
  public static final class Secret {
    final String name;
    final String arn;
    final String description;
    final String kmsKeyId;
    final Instant created = Instant.now();
    final Map<String, String> tags = new LinkedHashMap<>();
    final List<Version> versions = new ArrayList<>();
    Instant deletionDate;

    Secret(String name, String description, String kmsKeyId) {
      this.name = name;
      this.arn =
          "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + name + "-" + suffix();
      this.description = description;
      this.kmsKeyId = kmsKeyId;
    }

    public String name() {
      return name;
    }

    public String arn() {
      return arn;
    }

    public Map<String, String> tags() {
      return Map.copyOf(tags);
    }

    public String kmsKeyId() {
      return kmsKeyId;
    }

    public String description() {
      return description;
    }

    public int versionCount() {
      return versions.size();
    }

    public Instant deletionDate() {
      return deletionDate;
    }

    public Optional<String> currentValue() {
      return versions.stream()
          .filter(v -> v.stages.contains(CURRENT))
          .map(Version::value)
          .findFirst();
    }
  }

  record Version(String id, String value, Set<String> stages, Instant created) {}

  /**
   * What to do instead of serving the next call of an operation.
   *
   * @param echo whether the error message quotes the request's SecretString, as a careless service
   *     might: callers must not pass it on
   */
  private record Fault(int status, String type, Duration delay, boolean echo) {}

  private SecretsManagerDouble(HttpServer server) {
    this.server = server;
  }

  public static SecretsManagerDouble start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      SecretsManagerDouble sm = new SecretsManagerDouble(server);
      server.createContext("/", sm::handle);
      server.setExecutor(sm.executor);
      server.start();
      return sm;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the Secrets Manager double", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * What the operator is configured with to deliver here: the default name template, requester tag
   * {@code sym.user}, no KMS key, immediate deletion, a 5 second call budget.
   */
  public AwsSecretsManagerSettings operatorSettings() {
    return new AwsSecretsManagerSettings(
        REGION,
        endpoint(),
        SecretNameTemplate.parse(SecretNameTemplate.DEFAULT),
        "sym.user",
        AwsSecretsManagerSettings.DEFAULT_MANAGED_BY,
        null,
        0,
        Duration.ofSeconds(5));
  }

  // --- test controls

  /** The next {@code times} calls of {@code operation} fail with this AWS error. */
  public synchronized void fail(String operation, int times, int status, String errorType) {
    for (int i = 0; i < times; i++) {
      faults
          .computeIfAbsent(operation, k -> new ArrayDeque<>())
          .add(new Fault(status, errorType, null, false));
    }
  }

  /** As {@link #fail}, with an error message that quotes the secret value sent. */
  public synchronized void failEchoingTheValue(
      String operation, int times, int status, String errorType) {
    for (int i = 0; i < times; i++) {
      faults
          .computeIfAbsent(operation, k -> new ArrayDeque<>())
          .add(new Fault(status, errorType, null, true));
    }
  }

  /** The next call of {@code operation} hangs for {@code delay}, then fails without effect. */
  public synchronized void delay(String operation, Duration delay) {
    faults
        .computeIfAbsent(operation, k -> new ArrayDeque<>())
        .add(new Fault(0, null, delay, false));
  }

  /** Drops queued faults. */
  public synchronized void heal() {
    faults.clear();
  }

  /** Removes every secret and forgets the calls. */
  public synchronized void reset() {
    secrets.clear();
    faults.clear();
    calls.clear();
  }

  /** The operations served so far, in order, e.g. CreateSecret. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  public synchronized Optional<Secret> secret(String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  /** Secrets (including ones scheduled for deletion) with this exact tag. */
  public synchronized List<Secret> taggedWith(String key, String value) {
    return secrets.values().stream().filter(s -> value.equals(s.tags.get(key))).toList();
  }

  /** Stores a secret as someone else would (no tags of ours), for conflict tests. */
  public synchronized Secret putForeign(String name, String value, Map<String, String> tags) {
    Secret s = new Secret(name, null, null);
    s.tags.putAll(tags);
    s.versions.add(
        new Version(UUID.randomUUID().toString(), value, stages(CURRENT), Instant.now()));
    secrets.put(name, s);
    return s;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // --- protocol

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String operation =
          target != null && target.startsWith("secretsmanager.")
              ? target.substring("secretsmanager.".length())
              : null;
      if (!"POST".equals(exchange.getRequestMethod()) || operation == null) {
        respond(exchange, 400, error("UnknownOperationException", "Unknown operation " + target));
        return;
      }
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null
          || !auth.startsWith("AWS4-HMAC-SHA256 Credential=")
          || !auth.contains("/" + REGION + "/secretsmanager/aws4_request")) {
        respond(
            exchange,
            400,
            error(
                "IncompleteSignatureException",
                "Requests must be signed with SigV4 for secretsmanager in " + REGION));
        return;
      }
      JsonNode request;
      try (InputStream in = exchange.getRequestBody()) {
        request = JSON.readTree(in.readAllBytes());
      }
      calls.add(operation);
      Fault fault = nextFault(operation);
      if (fault != null && fault.delay() != null) {
        // Never served: a late write must not land in a later test once the client gave up.
        sleep(fault.delay());
        respond(exchange, 500, error("InternalServiceError", "Answered too late"));
        return;
      } else if (fault != null) {
        String message =
            fault.echo()
                ? "Injected " + fault.type() + " for value " + text(request, "SecretString")
                : "Injected " + fault.type();
        respond(exchange, fault.status(), error(fault.type(), message));
        return;
      }
      try {
        respond(
            exchange, 200, serve(operation, request == null ? JSON.createObjectNode() : request));
      } catch (AwsError e) {
        respond(exchange, e.status, error(e.type, e.getMessage()));
      }
    }
  }

  private synchronized Fault nextFault(String operation) {
    Deque<Fault> queue = faults.get(operation);
    return queue == null ? null : queue.poll();
  }

  private synchronized ObjectNode serve(String operation, JsonNode req) {
    return switch (operation) {
      case "CreateSecret" -> createSecret(req);
      case "PutSecretValue" -> putSecretValue(req);
      case "DescribeSecret" -> describeSecret(req);
      case "GetSecretValue" -> getSecretValue(req);
      case "TagResource" -> tagResource(req);
      case "RestoreSecret" -> restoreSecret(req);
      case "ListSecrets" -> listSecrets(req);
      case "DeleteSecret" -> deleteSecret(req);
      default ->
          throw new AwsError(400, "UnknownOperationException", "Unknown operation " + operation);
    };
  }

  private ObjectNode createSecret(JsonNode req) {
    String name = text(req, "Name");
    if (name == null || !NAME.matcher(name).matches()) {
      throw invalidParameter(
          "Invalid name. Must be a valid name containing alphanumeric characters, or any of the"
              + " following: -/_+=.@!");
    }
    String value = secretValue(req);
    Map<String, String> tags = tags(req);
    String token =
        Optional.ofNullable(text(req, "ClientRequestToken")).orElse(UUID.randomUUID().toString());
    Secret existing = secrets.get(name);
    if (existing != null && existing.deletionDate != null) {
      throw invalidRequest(
          "You can't create this secret because a secret with this name is already scheduled for"
              + " deletion.");
    }
    if (existing != null) {
      Optional<Version> same =
          existing.versions.stream().filter(v -> v.id.equals(token)).findFirst();
      if (same.isPresent() && same.get().value.equals(value)) {
        return versionResponse(existing, same.get()); // an idempotent retry of the same request
      }
      throw new AwsError(
          400,
          "ResourceExistsException",
          "The operation failed because the secret " + name + " already exists.");
    }
    Secret secret = new Secret(name, text(req, "Description"), text(req, "KmsKeyId"));
    secret.tags.putAll(tags);
    Version version = new Version(token, value, stages(CURRENT), Instant.now());
    if (value != null) {
      secret.versions.add(version);
    }
    secrets.put(name, secret);
    ObjectNode out = versionResponse(secret, version);
    out.remove("VersionStages");
    out.putArray("ReplicationStatus");
    return out;
  }

  private ObjectNode putSecretValue(JsonNode req) {
    Secret secret = live(req);
    String value = secretValue(req);
    if (value == null) {
      throw invalidParameter("You must provide either SecretString or SecretBinary.");
    }
    String token =
        Optional.ofNullable(text(req, "ClientRequestToken")).orElse(UUID.randomUUID().toString());
    Optional<Version> same = secret.versions.stream().filter(v -> v.id.equals(token)).findFirst();
    if (same.isPresent()) {
      if (same.get().value.equals(value)) {
        return versionResponse(secret, same.get());
      }
      throw new AwsError(
          400,
          "ResourceExistsException",
          "A version with VersionId " + token + " already exists with different content.");
    }
    Set<String> stages = new LinkedHashSet<>();
    req.path("VersionStages").forEach(s -> stages.add(s.asText()));
    if (stages.isEmpty()) {
      stages.add(CURRENT);
    }
    if (stages.contains(CURRENT)) {
      // The version losing AWSCURRENT becomes AWSPREVIOUS; the one before loses AWSPREVIOUS.
      secret.versions.forEach(v -> v.stages.remove(PREVIOUS));
      secret.versions.stream()
          .filter(v -> v.stages.remove(CURRENT))
          .forEach(v -> v.stages.add(PREVIOUS));
    }
    Version version = new Version(token, value, stages, Instant.now());
    secret.versions.add(version);
    return versionResponse(secret, version);
  }

  private ObjectNode describeSecret(JsonNode req) {
    Secret s = find(req);
    ObjectNode out = entry(s);
    ObjectNode stages = out.putObject("VersionIdsToStages");
    s.versions.stream()
        .filter(v -> !v.stages.isEmpty())
        .forEach(v -> v.stages.forEach(stages.putArray(v.id)::add));
    return out;
  }

  private ObjectNode getSecretValue(JsonNode req) {
    Secret secret = live(req);
    String versionId = text(req, "VersionId");
    String stage = Optional.ofNullable(text(req, "VersionStage")).orElse(CURRENT);
    Version version =
        secret.versions.stream()
            .filter(v -> versionId != null ? v.id.equals(versionId) : v.stages.contains(stage))
            .findFirst()
            .orElseThrow(
                () ->
                    new AwsError(
                        400,
                        "ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret value for staging label: "
                            + stage));
    ObjectNode out = versionResponse(secret, version);
    out.put("SecretString", version.value);
    out.put("CreatedDate", epoch(version.created));
    return out;
  }

  private ObjectNode tagResource(JsonNode req) {
    Secret secret = live(req);
    Map<String, String> tags = tags(req);
    if (tags.isEmpty()) {
      throw invalidParameter("Tags must not be empty.");
    }
    secret.tags.putAll(tags);
    if (secret.tags.size() > 50) {
      throw invalidParameter("A secret can have at most 50 tags.");
    }
    return JSON.createObjectNode();
  }

  private ObjectNode restoreSecret(JsonNode req) {
    Secret secret = find(req);
    secret.deletionDate = null;
    ObjectNode out = JSON.createObjectNode();
    out.put("ARN", secret.arn);
    out.put("Name", secret.name);
    return out;
  }

  private ObjectNode listSecrets(JsonNode req) {
    boolean includeDeleted = req.path("IncludePlannedDeletion").asBoolean(false);
    int max = req.path("MaxResults").asInt(100);
    if (max < 1 || max > 100) {
      throw invalidParameter("MaxResults must be between 1 and 100.");
    }
    List<JsonNode> filters = new ArrayList<>();
    req.path("Filters").forEach(filters::add);
    for (JsonNode f : filters) {
      String key = f.path("Key").asText();
      if (!List.of(
              "description",
              "name",
              "tag-key",
              "tag-value",
              "primary-region",
              "owning-service",
              "all")
          .contains(key)) {
        throw invalidParameter("Invalid filter key " + key + ".");
      }
      if (f.path("Values").size() > 10) {
        throw invalidParameter("A filter can have at most 10 values.");
      }
    }
    List<Secret> matching =
        secrets.values().stream()
            .filter(s -> includeDeleted || s.deletionDate == null)
            .filter(s -> filters.stream().allMatch(f -> matches(s, f)))
            .toList();
    if ("desc".equals(text(req, "SortOrder"))) {
      matching = new ArrayList<>(matching);
      java.util.Collections.reverse(matching);
    }
    int from = 0;
    String token = text(req, "NextToken");
    if (token != null) {
      try {
        from = Integer.parseInt(token);
      } catch (NumberFormatException e) {
        throw new AwsError(400, "InvalidNextTokenException", "The NextToken value is invalid.");
      }
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("SecretList");
    matching.stream().skip(from).limit(max).forEach(s -> list.add(entry(s)));
    if (from + max < matching.size()) {
      out.put("NextToken", Integer.toString(from + max));
    }
    return out;
  }

  /**
   * As documented for ListSecrets: values of one filter are alternatives, every filter must match;
   * a value matches by prefix (case-sensitive, except "all"), and a leading ! negates it.
   */
  private static boolean matches(Secret s, JsonNode filter) {
    String key = filter.path("Key").asText();
    List<String> positives = new ArrayList<>();
    List<String> negatives = new ArrayList<>();
    filter
        .path("Values")
        .forEach(
            v ->
                (v.asText().startsWith("!") ? negatives : positives)
                    .add(v.asText().replaceFirst("^!", "")));
    List<String> fields =
        switch (key) {
          case "name" -> List.of(s.name);
          case "description" -> s.description == null ? List.of() : List.of(s.description);
          case "tag-key" -> List.copyOf(s.tags.keySet());
          case "tag-value" -> List.copyOf(s.tags.values());
          case "primary-region" -> List.of(REGION);
          case "owning-service" -> List.of();
          default -> {
            List<String> all = new ArrayList<>(List.of(s.name.toLowerCase(Locale.ROOT)));
            s.tags.forEach(
                (k, v) ->
                    all.addAll(List.of(k.toLowerCase(Locale.ROOT), v.toLowerCase(Locale.ROOT))));
            yield all;
          }
        };
    boolean caseless = key.equals("all");
    java.util.function.Predicate<String> hit =
        prefix ->
            fields.stream()
                .anyMatch(f -> f.startsWith(caseless ? prefix.toLowerCase(Locale.ROOT) : prefix));
    return (positives.isEmpty() || positives.stream().anyMatch(hit))
        && negatives.stream().noneMatch(hit);
  }

  private ObjectNode deleteSecret(JsonNode req) {
    Secret secret = find(req);
    boolean force = req.path("ForceDeleteWithoutRecovery").asBoolean(false);
    boolean windowGiven = req.has("RecoveryWindowInDays");
    if (force && windowGiven) {
      throw invalidParameter(
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    long window = req.path("RecoveryWindowInDays").asLong(30);
    if (window < 7 || window > 30) {
      throw invalidParameter("RecoveryWindowInDays must be between 7 and 30 days.");
    }
    Instant when;
    if (force) {
      secrets.remove(secret.name);
      when = Instant.now();
    } else {
      if (secret.deletionDate != null) {
        throw invalidRequest(
            "You can't perform this operation on the secret because it was already scheduled for"
                + " deletion.");
      }
      secret.deletionDate = Instant.now().plus(Duration.ofDays(window));
      when = secret.deletionDate;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("ARN", secret.arn);
    out.put("Name", secret.name);
    out.put("DeletionDate", epoch(when));
    return out;
  }

  // --- helpers

  private Secret find(JsonNode req) {
    String id = text(req, "SecretId");
    if (id == null) {
      throw invalidParameter("SecretId is required.");
    }
    Secret s =
        id.startsWith("arn:")
            ? secrets.values().stream().filter(x -> x.arn.equals(id)).findFirst().orElse(null)
            : secrets.get(id);
    if (s == null) {
      throw new AwsError(
          400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    return s;
  }

  /** A secret that may be read or changed: not scheduled for deletion. */
  private Secret live(JsonNode req) {
    Secret s = find(req);
    if (s.deletionDate != null) {
      throw invalidRequest(
          "You can't perform this operation on the secret because it was marked for deletion.");
    }
    return s;
  }

  private static String secretValue(JsonNode req) {
    if (req.has("SecretString") && req.has("SecretBinary")) {
      throw invalidParameter("You can't specify both SecretString and SecretBinary.");
    }
    String value = text(req, "SecretString");
    if (value != null && value.getBytes(StandardCharsets.UTF_8).length > 65536) {
      throw invalidParameter("SecretString must be at most 65536 bytes.");
    }
    return value != null ? value : text(req, "SecretBinary");
  }

  private static Map<String, String> tags(JsonNode req) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (JsonNode t : req.path("Tags")) {
      String key = t.path("Key").asText("");
      String value = t.path("Value").asText("");
      if (key.isEmpty()
          || key.length() > 128
          || value.length() > 256
          || !TAG_CHARS.matcher(key).matches()
          || !TAG_CHARS.matcher(value).matches()
          || key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
        throw invalidParameter("Invalid tag " + key + ".");
      }
      if (tags.put(key, value) != null) {
        throw invalidParameter("Duplicate tag key " + key + ".");
      }
    }
    if (tags.size() > 50) {
      throw invalidParameter("A secret can have at most 50 tags.");
    }
    return tags;
  }

  private static ObjectNode entry(Secret s) {
    ObjectNode out = JSON.createObjectNode();
    out.put("ARN", s.arn);
    out.put("Name", s.name);
    if (s.description != null) {
      out.put("Description", s.description);
    }
    if (s.kmsKeyId != null) {
      out.put("KmsKeyId", s.kmsKeyId);
    }
    out.put("CreatedDate", epoch(s.created));
    out.put(
        "LastChangedDate",
        epoch(s.versions.isEmpty() ? s.created : s.versions.get(s.versions.size() - 1).created));
    if (s.deletionDate != null) {
      out.put("DeletedDate", epoch(s.deletionDate));
    }
    ArrayNode tags = out.putArray("Tags");
    s.tags.forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
    return out;
  }

  private static ObjectNode versionResponse(Secret s, Version v) {
    ObjectNode out = JSON.createObjectNode();
    out.put("ARN", s.arn);
    out.put("Name", s.name);
    out.put("VersionId", v.id);
    ArrayNode stages = out.putArray("VersionStages");
    v.stages.forEach(stages::add);
    return out;
  }

  private static Set<String> stages(String... stages) {
    return new LinkedHashSet<>(List.of(stages));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** AWS JSON 1.1 sends timestamps as epoch seconds. */
  private static double epoch(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }

  private static String suffix() {
    String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      sb.append(chars.charAt(RANDOM.nextInt(chars.length())));
    }
    return sb.toString();
  }

  private static ObjectNode error(String type, String message) {
    ObjectNode out = JSON.createObjectNode();
    out.put("__type", type);
    out.put("message", message);
    return out;
  }

  private static void respond(HttpExchange exchange, int status, ObjectNode body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    if (status != 200) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", body.path("__type").asText());
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static AwsError invalidParameter(String message) {
    return new AwsError(400, "InvalidParameterException", message);
  }

  private static AwsError invalidRequest(String message) {
    return new AwsError(400, "InvalidRequestException", message);
  }

  private static final class AwsError extends RuntimeException {
    final int status;
    final String type;

    AwsError(int status, String type, String message) {
      super(message);
      this.status = status;
      this.type = type;
    }
  }
}
