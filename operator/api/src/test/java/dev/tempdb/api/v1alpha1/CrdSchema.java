package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.re2j.Pattern;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelException;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.ExprKind.Kind;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * One version of a CRD, checking resources roughly as the API server does on create and update:
 * null fields dropped and defaults applied, then the OpenAPI schema, then the {@code
 * x-kubernetes-validations} CEL rules.
 *
 * <p>Where it differs: the schema is checked as JSON Schema draft 7 (patterns in RE2 syntax, as in
 * Go), and unknown fields are errors, as with kubectl's default strict field validation. CEL rules
 * see {@code self} and {@code oldSelf} as dynamic values rather than types derived from the schema,
 * so instead every field selected directly on them must exist in the schema. Only standard CEL is
 * available (including {@code duration(string)}), not Kubernetes' extension libraries. A rule that
 * does not compile, selects a field the schema lacks, or cannot be boolean fails to load.
 */
final class CrdSchema {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String RULES = "x-kubernetes-validations";

  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setOptions(CelOptions.current().build())
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .setResultType(SimpleType.BOOL)
          .build();

  private static final JsonSchemaFactory JSON_SCHEMAS =
      JsonSchemaFactory.getInstance(VersionFlag.V7);
  private static final SchemaValidatorsConfig JSON_SCHEMA_CONFIG =
      SchemaValidatorsConfig.builder()
          .locale(Locale.ENGLISH)
          .pathType(PathType.JSON_PATH)
          .regularExpressionFactory(
              regex -> {
                Pattern pattern = Pattern.compile(regex);
                return value -> pattern.matcher(value).find();
              })
          .build();

  /**
   * A compiled rule of the schema node at {@code path} (like {@code .spec.grant}; {@code [*]} for
   * list items and map values). A transition rule uses {@code oldSelf} and only runs on updates.
   */
  record Rule(
      String path,
      String expression,
      String message,
      boolean transition,
      CelRuntime.Program program) {}

  private final String apiVersion;
  private final String kind;
  private final JsonNode openApiSchema;
  private final JsonSchema jsonSchema;
  private final List<Rule> rules = new ArrayList<>();
  private final Map<JsonNode, List<Rule>> rulesBySchemaNode = new IdentityHashMap<>();

  CrdSchema(String apiVersion, String kind, JsonNode openApiSchema) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.openApiSchema = openApiSchema;
    this.jsonSchema = JSON_SCHEMAS.getSchema(toJsonSchema(openApiSchema, true), JSON_SCHEMA_CONFIG);
    compileRules(openApiSchema, "");
  }

  /** Reads the {@code openAPIV3Schema} of {@code version} from a CRD YAML file. */
  static CrdSchema load(Path crdFile, String version) throws IOException {
    JsonNode spec = YAML.readTree(crdFile.toFile()).path("spec");
    JsonNode served =
        StreamSupport.stream(spec.path("versions").spliterator(), false)
            .filter(v -> v.path("name").asText().equals(version))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException(crdFile + " has no " + version));
    return new CrdSchema(
        spec.path("group").asText() + "/" + version,
        spec.path("names").path("kind").asText(),
        served.path("schema").path("openAPIV3Schema"));
  }

  String apiVersion() {
    return apiVersion;
  }

  String kind() {
    return kind;
  }

  List<Rule> rules() {
    return List.copyOf(rules);
  }

  /** What the API server would refuse when {@code resource} is created. */
  List<String> validateCreate(JsonNode resource) {
    return validate(resource, null);
  }

  /** What the API server would refuse when {@code old} is replaced by {@code resource}. */
  List<String> validateUpdate(JsonNode resource, JsonNode old) {
    return validate(resource, defaulted(old));
  }

  private List<String> validate(JsonNode resource, JsonNode old) {
    JsonNode self = defaulted(resource);
    List<String> errors = new ArrayList<>();
    for (ValidationMessage m : jsonSchema.validate(self)) {
      errors.add(field(m.getInstanceLocation().toString().substring(1)) + ": " + m.getError());
    }
    checkRules(openApiSchema, "", self, old, errors);
    return errors;
  }

  // --- defaulting

  private JsonNode defaulted(JsonNode resource) {
    JsonNode copy = resource.deepCopy();
    applyDefaults(openApiSchema, copy);
    return copy;
  }

  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      List<String> nulls = new ArrayList<>();
      object.properties().stream()
          .filter(e -> e.getValue().isNull())
          .forEach(e -> nulls.add(e.getKey()));
      object.remove(nulls);
      for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
        JsonNode propertySchema = property.getValue();
        if (!object.has(property.getKey()) && propertySchema.has("default")) {
          object.set(property.getKey(), propertySchema.get("default").deepCopy());
        }
        if (object.has(property.getKey())) {
          applyDefaults(propertySchema, object.get(property.getKey()));
        }
      }
      if (schema.path("additionalProperties").isObject()) {
        object.forEach(child -> applyDefaults(schema.get("additionalProperties"), child));
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      array.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  // --- OpenAPI schema as JSON Schema

  private static ObjectNode toJsonSchema(JsonNode openApi, boolean root) {
    ObjectNode out = YAML.createObjectNode();
    for (Map.Entry<String, JsonNode> keyword : openApi.properties()) {
      String name = keyword.getKey();
      JsonNode value = keyword.getValue();
      if (name.startsWith("x-kubernetes-")) {
        continue;
      }
      switch (name) {
        case "properties" -> {
          ObjectNode properties = out.putObject(name);
          value
              .properties()
              .forEach(p -> properties.set(p.getKey(), toJsonSchema(p.getValue(), false)));
        }
        case "items" -> out.set(name, toJsonSchema(value, false));
        case "additionalProperties" ->
            out.set(name, value.isObject() ? toJsonSchema(value, false) : value);
        default -> out.set(name, value);
      }
    }
    if (root) {
      ObjectNode properties = (ObjectNode) out.get("properties");
      properties.putObject("apiVersion").put("type", "string");
      properties.putObject("kind").put("type", "string");
      properties.putObject("metadata").put("type", "object");
    }
    if (out.has("properties")
        && !out.has("additionalProperties")
        && !openApi.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      out.put("additionalProperties", false);
    }
    return out;
  }

  // --- CEL rules

  private void compileRules(JsonNode schema, String path) {
    for (JsonNode rule : schema.path(RULES)) {
      Rule compiled = compile(schema, path, rule);
      rules.add(compiled);
      rulesBySchemaNode.computeIfAbsent(schema, s -> new ArrayList<>()).add(compiled);
    }
    schema
        .path("properties")
        .properties()
        .forEach(p -> compileRules(p.getValue(), path + "." + p.getKey()));
    if (schema.has("items")) {
      compileRules(schema.get("items"), path + "[*]");
    }
    if (schema.path("additionalProperties").isObject()) {
      compileRules(schema.get("additionalProperties"), path + "[*]");
    }
  }

  private Rule compile(JsonNode schema, String path, JsonNode rule) {
    String expression = rule.path("rule").asText();
    String where = kind + " " + field(path) + " rule '" + expression + "'";
    for (String unsupported : List.of("messageExpression", "fieldPath", "optionalOldSelf")) {
      if (rule.has(unsupported)) {
        throw new IllegalStateException(where + ": " + unsupported + " is not supported here");
      }
    }
    try {
      CelValidationResult compiled = CEL.compile(expression);
      if (compiled.hasError()) {
        throw new IllegalStateException(where + " does not compile:\n" + compiled.getErrorString());
      }
      CelAbstractSyntaxTree ast = compiled.getAst();
      checkSelectedFields(schema, ast, where);
      boolean transition =
          ast.getReferenceMap().values().stream().anyMatch(r -> r.name().equals("oldSelf"));
      String message = rule.path("message").asText("failed rule: " + expression);
      return new Rule(path, expression, message, transition, CEL.createProgram(ast));
    } catch (CelException e) {
      throw new IllegalStateException(where + " does not compile: " + e.getMessage(), e);
    }
  }

  /** Stands in for typing self from the schema: self.x and oldSelf.x must be schema fields. */
  private static void checkSelectedFields(
      JsonNode schema, CelAbstractSyntaxTree ast, String where) {
    if (!schema.has("properties")
        || schema.has("additionalProperties")
        || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      return;
    }
    CelNavigableExpr.fromExpr(ast.getExpr())
        .allNodes()
        .map(CelNavigableExpr::expr)
        .filter(e -> e.getKind() == Kind.SELECT)
        .map(CelExpr::select)
        .filter(s -> s.operand().getKind() == Kind.IDENT)
        .filter(s -> List.of("self", "oldSelf").contains(s.operand().ident().name()))
        .filter(s -> !schema.path("properties").has(s.field()))
        .findFirst()
        .ifPresent(
            s -> {
              throw new IllegalStateException(
                  where + " selects " + s.field() + ", which the schema does not have");
            });
  }

  private void checkRules(
      JsonNode schema, String path, JsonNode value, JsonNode old, List<String> errors) {
    for (Rule rule : rulesBySchemaNode.getOrDefault(schema, List.of())) {
      if (rule.transition() && old == null) {
        continue; // as in Kubernetes: on create, or where there is no old value, they do not run
      }
      Map<String, Object> variables = new HashMap<>();
      variables.put("self", toCel(value));
      if (old != null) {
        variables.put("oldSelf", toCel(old));
      }
      try {
        if (!Boolean.TRUE.equals(rule.program().eval(variables))) {
          errors.add(field(path) + ": " + rule.message());
        }
      } catch (CelEvaluationException e) {
        errors.add(field(path) + ": rule '" + rule.expression() + "' failed: " + e.getMessage());
      }
    }
    if (value.isObject()) {
      for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
        String name = property.getKey();
        if (value.has(name)) {
          JsonNode oldChild = old == null ? null : old.get(name);
          checkRules(property.getValue(), path + "." + name, value.get(name), oldChild, errors);
        }
      }
      if (schema.path("additionalProperties").isObject()) {
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
          JsonNode oldChild = old == null ? null : old.get(entry.getKey());
          String child = path + "[" + entry.getKey() + "]";
          checkRules(schema.get("additionalProperties"), child, entry.getValue(), oldChild, errors);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      // Old list items are only correlated for listType=map, which these schemas do not use.
      for (int i = 0; i < value.size(); i++) {
        checkRules(schema.get("items"), path + "[" + i + "]", value.get(i), null, errors);
      }
    }
  }

  /** A field path as Kubernetes reports it ({@code spec.grant}), from {@code .spec.grant}. */
  private static String field(String path) {
    return path.isEmpty() ? "<root>" : path.substring(1);
  }

  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    throw new IllegalArgumentException("no CEL value for " + node);
  }
}
