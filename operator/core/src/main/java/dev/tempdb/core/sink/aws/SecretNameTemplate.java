package dev.tempdb.core.sink.aws;

import dev.tempdb.core.sink.GrantOwner;
import dev.tempdb.core.sink.SinkException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of each request's AWS secret, from a template such as {@code
 * tempdb/{requester}/{requestId}}. Placeholders: {@code {requester}}, {@code {requestId}} (the
 * resource's uid when the request has none), {@code {namespace}}, {@code {name}}, {@code {uid}}.
 *
 * <p>AWS allows {@code A-Za-z0-9/_+=.@-} and 512 characters. Characters of a value outside that
 * set, and {@code /} (so a value cannot add path levels that a prefix policy would not expect),
 * become {@code _}. A name ending in a hyphen and six characters would look like an ARN suffix,
 * which AWS warns against, so that hyphen becomes {@code _}.
 */
public final class SecretNameTemplate {
  public static final String DEFAULT = "tempdb/{requester}/{requestId}";
  static final int MAX_LENGTH = 512;
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9/_+=.@-]*");
  private static final Pattern NOT_IN_VALUE = Pattern.compile("[^A-Za-z0-9_+=.@-]");
  private static final Pattern ARN_LIKE_SUFFIX = Pattern.compile("-([A-Za-z0-9]{6})$");
  private static final List<String> KNOWN =
      List.of("requester", "requestId", "namespace", "name", "uid");

  private final String template;

  private SecretNameTemplate(String template) {
    this.template = template;
  }

  /**
   * @throws IllegalArgumentException naming what is wrong with the template and how to fix it
   */
  public static SecretNameTemplate parse(String template) {
    if (template == null || template.isBlank()) {
      throw new IllegalArgumentException("is empty; the default is " + DEFAULT);
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder literal = new StringBuilder();
    int last = 0;
    java.util.Set<String> used = new java.util.HashSet<>();
    while (m.find()) {
      if (!KNOWN.contains(m.group(1))) {
        throw new IllegalArgumentException(
            "has unknown placeholder {" + m.group(1) + "}; known are " + placeholders());
      }
      used.add(m.group(1));
      literal.append(template, last, m.start());
      last = m.end();
    }
    literal.append(template.substring(last));
    if (!LITERAL.matcher(literal).matches()) {
      throw new IllegalArgumentException(
          "'"
              + template
              + "' has characters AWS does not allow in secret names; use letters, digits and"
              + " /_+=.@- around the placeholders "
              + placeholders());
    }
    boolean unique =
        used.contains("uid")
            || used.contains("requestId")
            || (used.contains("namespace") && used.contains("name"));
    if (!unique) {
      throw new IllegalArgumentException(
          "'"
              + template
              + "' must contain {requestId}, {uid}, or {namespace} and {name}, so that each"
              + " request gets its own secret");
    }
    return new SecretNameTemplate(template);
  }

  /** The secret name for this request. */
  public String render(GrantOwner owner) {
    Map<String, String> values =
        Map.of(
            "requester", owner.requester(),
            "requestId", owner.requestId() == null ? owner.uid() : owner.requestId(),
            "namespace", owner.namespace(),
            "name", owner.name(),
            "uid", owner.uid());
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = NOT_IN_VALUE.matcher(values.get(m.group(1))).replaceAll("_");
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    String name = ARN_LIKE_SUFFIX.matcher(out).replaceFirst("_$1");
    if (name.length() > MAX_LENGTH) {
      throw SinkException.permanent(
          "AWS secret name for "
              + owner.key()
              + " would be "
              + name.length()
              + " characters, more than AWS's "
              + MAX_LENGTH
              + "; use a shorter requestId or a shorter TEMPDB_AWS_SECRET_NAME_TEMPLATE");
    }
    return name;
  }

  /** The fixed part before the first placeholder, e.g. {@code tempdb/}: what IAM policies match. */
  public String prefix() {
    int brace = template.indexOf('{');
    return brace < 0 ? template : template.substring(0, brace);
  }

  @Override
  public String toString() {
    return template;
  }

  private static String placeholders() {
    return KNOWN.stream().map(k -> "{" + k + "}").toList().toString();
  }
}
