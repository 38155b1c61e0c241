package dev.tempdb.core.sink.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates one identity-based IAM policy for one request the way the IAM User Guide describes it,
 * for the operators the shipped policies use and nothing else: an element or operator it does not
 * implement is refused, so a test can never pass on a guess. No real IAM can be run here (see
 * FACTS.md); IamPolicyEvaluatorTest checks this class on the examples of the AWS documentation.
 *
 * <p>Implemented, per the IAM User Guide: explicit Deny beats Allow, no matching Allow is an
 * implicit deny ("Policy evaluation logic"); Action values case-insensitive, with * and ?; Resource
 * ARNs matched segment by segment with * and ?; within Condition, operators and keys are ANDed and
 * the values of one key ORed ("Condition element"); condition key names case-insensitive; a key
 * absent from the request fails a positive operator and satisfies a negated one ("Condition
 * operators"); StringEquals, StringNotEquals, StringLike, ArnLike, Null, and ForAllValues: /
 * ForAnyValue:StringEquals on multivalued keys ("Multivalued context keys": ForAllValues is true
 * for an empty or absent key, ForAnyValue false); policy variables ${key}, ${key, 'default'}, ${*},
 * ${?}, ${$} in string and ARN operators, a variable with no value matching nothing ("Policy
 * variables with no value").
 *
 * <p>Not documented, so chosen pessimistically: * and ? inside a substituted variable's value act
 * as wildcards in StringLike (that can only widen access in a test, never hide it).
 */
final class IamPolicyEvaluator {
  enum Decision {
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY
  }

  /** Keys whose request value is a set ("ArrayOfString" in the Service Authorization Reference). */
  private static final Set<String> MULTIVALUED = Set.of("aws:tagkeys");

  private static final Set<String> STATEMENT_ELEMENTS =
      Set.of("Sid", "Effect", "Action", "Resource", "Condition");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern DEFAULTED = Pattern.compile("(.+?),\\s*'([^']*)'");

  /**
   * The request context of one authorization: an action on a resource ({@code *} for an action with
   * no resource type, such as ListSecrets) and its context keys.
   */
  record Request(String action, String resource, Map<String, List<String>> keys) {
    Request {
      Map<String, List<String>> lower = new LinkedHashMap<>();
      keys.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      keys = Map.copyOf(lower);
    }

    static Request of(String action, String resource) {
      return new Request(action, resource, Map.of());
    }

    /** This request with a single-valued key. */
    Request with(String key, String value) {
      return withValues(key, List.of(value));
    }

    /** This request with a key's values (a multivalued key such as aws:TagKeys). */
    Request withValues(String key, List<String> values) {
      Map<String, List<String>> more = new LinkedHashMap<>(keys);
      more.put(key.toLowerCase(Locale.ROOT), values);
      return new Request(action, resource, more);
    }

    /** Present means a non-empty value: IAM treats an empty string as a null data set. */
    List<String> values(String key) {
      return keys.getOrDefault(key.toLowerCase(Locale.ROOT), List.of()).stream()
          .filter(v -> !v.isEmpty())
          .toList();
    }
  }

  private IamPolicyEvaluator() {}

  static Decision evaluate(JsonNode policy, Request request) {
    if (!"2012-10-17".equals(policy.path("Version").asText())) {
      // Without this version IAM reads ${...} literally; the shipped policies rely on variables.
      throw new IllegalArgumentException("policy Version must be 2012-10-17");
    }
    boolean allowed = false;
    for (JsonNode statement : list(policy.path("Statement"))) {
      statement
          .fieldNames()
          .forEachRemaining(
              f -> {
                if (!STATEMENT_ELEMENTS.contains(f)) {
                  throw new IllegalArgumentException("statement element " + f + " not modelled");
                }
              });
      if (applies(statement, request)) {
        String effect = statement.path("Effect").asText();
        if (effect.equals("Deny")) {
          return Decision.EXPLICIT_DENY;
        } else if (effect.equals("Allow")) {
          allowed = true;
        } else {
          throw new IllegalArgumentException("Effect must be Allow or Deny, not " + effect);
        }
      }
    }
    return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
  }

  private static boolean applies(JsonNode statement, Request request) {
    boolean action =
        texts(statement.path("Action")).stream()
            .anyMatch(
                a ->
                    glob(a.toLowerCase(Locale.ROOT))
                        .matcher(request.action().toLowerCase(Locale.ROOT))
                        .matches());
    boolean resource =
        texts(statement.path("Resource")).stream().anyMatch(r -> arnLike(r, request.resource()));
    if (!action || !resource) {
      return false;
    }
    Iterator<Map.Entry<String, JsonNode>> operators = statement.path("Condition").fields();
    while (operators.hasNext()) {
      Map.Entry<String, JsonNode> operator = operators.next();
      Iterator<Map.Entry<String, JsonNode>> keys = operator.getValue().fields();
      while (keys.hasNext()) {
        Map.Entry<String, JsonNode> key = keys.next();
        if (!holds(operator.getKey(), key.getKey(), texts(key.getValue()), request)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(String operator, String key, List<String> wanted, Request request) {
    boolean multivalued = MULTIVALUED.contains(key.toLowerCase(Locale.ROOT));
    List<String> actual = request.values(key);
    if (operator.equals("Null")) {
      if (wanted.size() != 1 || !List.of("true", "false").contains(wanted.get(0))) {
        throw new IllegalArgumentException("Null takes exactly one of true or false: " + key);
      }
      return wanted.get(0).equals("true") == actual.isEmpty();
    }
    if (operator.startsWith("ForAllValues:") || operator.startsWith("ForAnyValue:")) {
      if (!multivalued || !operator.endsWith(":StringEquals")) {
        throw new IllegalArgumentException(operator + " on " + key + " not modelled");
      }
      List<String> resolved = wanted.stream().flatMap(w -> resolve(w, request).stream()).toList();
      return operator.startsWith("ForAll")
          ? actual.stream().allMatch(resolved::contains)
          : actual.stream().anyMatch(resolved::contains);
    }
    if (multivalued) {
      throw new IllegalArgumentException(operator + " on multivalued " + key + " not modelled");
    }
    if (actual.size() > 1) {
      throw new IllegalArgumentException("single-valued key " + key + " has several values");
    }
    Optional<String> value = actual.stream().findFirst();
    return switch (operator) {
      case "StringEquals" ->
          value.isPresent() && wanted.stream().anyMatch(w -> resolve(w, request).equals(value));
      case "StringNotEquals" ->
          value.isEmpty() || wanted.stream().noneMatch(w -> resolve(w, request).equals(value));
      case "StringLike" ->
          value.isPresent()
              && wanted.stream()
                  .anyMatch(
                      w ->
                          pattern(w, request)
                              .map(p -> p.matcher(value.get()).matches())
                              .orElse(false));
      case "ArnLike" ->
          value.isPresent()
              && wanted.stream()
                  .anyMatch(
                      w -> resolve(w, request).map(p -> arnLike(p, value.get())).orElse(false));
      default -> throw new IllegalArgumentException("operator " + operator + " not modelled");
    };
  }

  /** The policy value with its variables substituted, or empty if one has no value. */
  static Optional<String> resolve(String value, Request request) {
    StringBuilder out = new StringBuilder();
    Matcher m = VARIABLE.matcher(value);
    int at = 0;
    while (m.find()) {
      out.append(value, at, m.start());
      Optional<String> v = variable(m.group(1), request);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      out.append(v.get());
      at = m.end();
    }
    return Optional.of(out.append(value.substring(at)).toString());
  }

  /** For StringLike: * and ? in the policy text are wildcards, ${*} and ${?} are not. */
  private static Optional<Pattern> pattern(String value, Request request) {
    StringBuilder regex = new StringBuilder();
    Matcher m = VARIABLE.matcher(value);
    int at = 0;
    while (m.find()) {
      regex.append(glob(value.substring(at, m.start())).pattern());
      String name = m.group(1).trim();
      if (List.of("*", "?", "$").contains(name)) {
        regex.append(Pattern.quote(name));
      } else {
        Optional<String> v = variable(name, request);
        if (v.isEmpty()) {
          return Optional.empty();
        }
        regex.append(glob(v.get()).pattern());
      }
      at = m.end();
    }
    regex.append(glob(value.substring(at)).pattern());
    return Optional.of(Pattern.compile(regex.toString(), Pattern.DOTALL));
  }

  private static Optional<String> variable(String name, Request request) {
    String key = name.trim();
    if (List.of("*", "?", "$").contains(key)) {
      return Optional.of(key);
    }
    String fallback = null;
    Matcher d = DEFAULTED.matcher(key);
    if (d.matches()) {
      key = d.group(1).trim();
      fallback = d.group(2);
    }
    if (MULTIVALUED.contains(key.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("a multivalued key cannot be a variable: " + key);
    }
    Optional<String> v = request.values(key).stream().findFirst();
    return v.isPresent() ? v : Optional.ofNullable(fallback);
  }

  /** ARN matching: each of the six colon-separated parts on its own, case-sensitive. */
  private static boolean arnLike(String pattern, String arn) {
    if (pattern.equals("*")) {
      return true;
    }
    String[] p = pattern.split(":", 6);
    String[] a = arn.split(":", 6);
    if (p.length != 6 || a.length != 6) {
      return false;
    }
    for (int i = 0; i < 6; i++) {
      if (!glob(p[i]).matcher(a[i]).matches()) {
        return false;
      }
    }
    return true;
  }

  /** * is any run of characters, ? any one character, everything else literal. */
  private static Pattern glob(String text) {
    StringBuilder regex = new StringBuilder();
    for (char c : text.toCharArray()) {
      regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  private static List<JsonNode> list(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(out::add);
    } else if (!node.isMissingNode()) {
      out.add(node);
    }
    return out;
  }

  private static List<String> texts(JsonNode node) {
    return list(node).stream().map(JsonNode::asText).toList();
  }
}
