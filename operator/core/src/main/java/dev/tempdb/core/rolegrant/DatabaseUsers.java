package dev.tempdb.core.rolegrant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tempdb.api.v1alpha1.UserMapping;
import dev.tempdb.core.lease.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * RoleGrant: which existing database user a requester is. The explicit map wins; otherwise the rule
 * (source, lower-casing, replacements, prefix, suffix) applies. The default rule is the seed's: the
 * email's local part with {@code -} replaced by {@code _}, lower-cased.
 *
 * <p>The result is only a name to look up: the engine checks that such a login user exists, and
 * quotes it in every statement. The allowed alphabet keeps it readable in logs and status.
 */
public final class DatabaseUsers {
  static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_$.@+-]+");
  private static final List<UserMapping.Replacement> DEFAULT_REPLACE =
      List.of(new UserMapping.Replacement("-", "_"));
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private DatabaseUsers() {}

  /**
   * @param mapping the target's userMapping, null for the default rule
   * @param explicit the parsed {@code mapRef}, empty when there is none
   * @param maxLength the engine's limit on user names
   * @throws InvalidRequestException naming the field when the requester cannot be mapped
   */
  public static String forRequester(
      String requester, UserMapping mapping, Map<String, String> explicit, int maxLength) {
    UserMapping rule = mapping == null ? new UserMapping() : mapping;
    String mapped = explicit.get(requester.toLowerCase(Locale.ROOT));
    String field = "spec.userMapping.mapRef";
    if (mapped == null) {
      if (Boolean.TRUE.equals(rule.getMappedOnly())) {
        throw new InvalidRequestException(
            field,
            "requester "
                + requester
                + " is not in the target's user map and mappedOnly is set; add a line '"
                + requester
                + ": <database user>' to it");
      }
      mapped = byRule(requester, rule);
      field = "spec.userMapping";
    }
    if (!USER_NAME.matcher(mapped).matches() || mapped.length() > maxLength) {
      throw new InvalidRequestException(
          field,
          "requester "
              + requester
              + " maps to '"
              + mapped
              + "', which is not a usable database user name (letters, digits and _$.@+- only, at"
              + " most "
              + maxLength
              + " characters); adjust the mapping or map this requester explicitly");
    }
    return mapped;
  }

  static String byRule(String requester, UserMapping rule) {
    String name = requester;
    int at = requester.indexOf('@');
    if (rule.getSource() != UserMapping.Source.Email && at > 0) {
      name = requester.substring(0, at);
    }
    if (!Boolean.FALSE.equals(rule.getLowercase())) {
      name = name.toLowerCase(Locale.ROOT);
    }
    for (UserMapping.Replacement r :
        rule.getReplace() == null ? DEFAULT_REPLACE : rule.getReplace()) {
      name = name.replace(r.getFrom(), r.getTo() == null ? "" : r.getTo());
    }
    return nullToEmpty(rule.getPrefix()) + name + nullToEmpty(rule.getSuffix());
  }

  /**
   * Reads the explicit map: a YAML mapping from requester to database user. Requesters are matched
   * case-insensitively (emails are).
   *
   * @param field where the text came from, for the message
   * @throws IllegalArgumentException naming the field and the problem
   */
  public static Map<String, String> parseMap(String yaml, String field) {
    JsonNode root;
    try {
      root = yaml == null || yaml.isBlank() ? null : YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          field
              + " is not valid YAML (line "
              + e.getLocation().getLineNr()
              + "); write one 'requester: database_user' per line");
    }
    Map<String, String> map = new LinkedHashMap<>();
    if (root == null || root.isNull()) {
      return map;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          field + " must be a YAML mapping, one 'requester: database_user' per line");
    }
    for (var entry : root.properties()) {
      JsonNode value = entry.getValue();
      if (!value.isTextual() || !USER_NAME.matcher(value.asText()).matches()) {
        throw new IllegalArgumentException(
            field
                + ": the user for "
                + entry.getKey()
                + " must be a database user name (letters, digits and _$.@+- only)");
      }
      String requester = entry.getKey().toLowerCase(Locale.ROOT);
      if (map.put(requester, value.asText()) != null) {
        throw new IllegalArgumentException(
            field + ": " + entry.getKey() + " is listed twice (requesters ignore case)");
      }
    }
    return map;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
