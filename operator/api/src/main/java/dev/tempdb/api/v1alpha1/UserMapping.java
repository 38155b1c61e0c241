package dev.tempdb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * RoleGrant: how a requester (an email) becomes the name of their existing database user. The
 * explicit map is consulted first; the rule applies to requesters it does not list.
 */
public class UserMapping {
  public enum Source {
    /** The part before the @ (the whole requester when it has none). */
    LocalPart,
    /** The whole requester, e.g. for databases whose users are named by email (IAM users). */
    Email
  }

  @Default("LocalPart")
  @JsonPropertyDescription(
      "What the rule starts from: LocalPart (before the @) or Email (the whole requester).")
  private Source source = Source.LocalPart;

  @Default("true")
  @JsonPropertyDescription(
      "Lower-case the name (database users are usually lower case; emails are not case"
          + " sensitive).")
  private Boolean lowercase = Boolean.TRUE;

  @Size(max = 16)
  @JsonPropertyDescription(
      "Replacements applied in order after lower-casing. When omitted, - becomes _ (the"
          + " default rule: alice-smith@corp.example maps to alice_smith); an empty list"
          + " replaces nothing.")
  private List<Replacement> replace;

  @Pattern("^[A-Za-z0-9_$.@+-]{0,32}$")
  @JsonPropertyDescription("Text put before the name, e.g. u_.")
  private String prefix = "";

  @Pattern("^[A-Za-z0-9_$.@+-]{0,32}$")
  @JsonPropertyDescription("Text put after the name.")
  private String suffix = "";

  @JsonPropertyDescription(
      "ConfigMap key, in the control namespace, holding an explicit map from requester to"
          + " database user as YAML (alice@corp.example: asmith). Consulted before the rule.")
  private KeyRef mapRef;

  @Default("false")
  @JsonPropertyDescription(
      "Refuse requesters that mapRef does not list, instead of applying the rule.")
  private Boolean mappedOnly = Boolean.FALSE;

  public Source getSource() {
    return source;
  }

  public void setSource(Source source) {
    this.source = source;
  }

  public Boolean getLowercase() {
    return lowercase;
  }

  public void setLowercase(Boolean lowercase) {
    this.lowercase = lowercase;
  }

  public List<Replacement> getReplace() {
    return replace;
  }

  public void setReplace(List<Replacement> replace) {
    this.replace = replace;
  }

  public String getPrefix() {
    return prefix;
  }

  public void setPrefix(String prefix) {
    this.prefix = prefix;
  }

  public String getSuffix() {
    return suffix;
  }

  public void setSuffix(String suffix) {
    this.suffix = suffix;
  }

  public KeyRef getMapRef() {
    return mapRef;
  }

  public void setMapRef(KeyRef mapRef) {
    this.mapRef = mapRef;
  }

  public Boolean getMappedOnly() {
    return mappedOnly;
  }

  public void setMappedOnly(Boolean mappedOnly) {
    this.mappedOnly = mappedOnly;
  }

  /** One literal text replacement. */
  public static class Replacement {
    @io.fabric8.generator.annotation.Required
    @Size(min = 1, max = 16)
    @JsonPropertyDescription("Text to replace (literal, not a pattern).")
    private String from;

    @Pattern("^[A-Za-z0-9_$.@+-]{0,16}$")
    @JsonPropertyDescription("Replacement text; may be empty to remove.")
    private String to = "";

    public Replacement() {}

    public Replacement(String from, String to) {
      this.from = from;
      this.to = to;
    }

    public String getFrom() {
      return from;
    }

    public void setFrom(String from) {
      this.from = from;
    }

    public String getTo() {
      return to;
    }

    public void setTo(String to) {
      this.to = to;
    }
  }
}
