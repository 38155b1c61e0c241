package dev.tempdb.core.engine;

import dev.tempdb.api.v1alpha1.DatabaseServerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What may be a host, a port and a database of a DatabaseServer: what the CRD's patterns say
 * ({@link DatabaseServerSpec#HOST_PATTERN}), checked in full (the patterns leave the groups of an
 * IPv6 address and the length of a host name's last label to this class), because the API server of
 * an older CRD, or a test's mock, enforces none of it. The drivers get these as values, never
 * inside a URL (see {@link DatabaseEngines}); these rules are the second wall, and they keep out of
 * published credentials anything a client would read as part of a URL, a second host or a login.
 */
public final class EndpointNames {
  /** The allowed forms of a host, as messages name them. */
  public static final String HOST_FORMS = DatabaseServerSpec.HOST_FORMS;

  /** The allowed forms of a database name, as messages name them. */
  public static final String DATABASE_FORMS = DatabaseServerSpec.DATABASE_FORMS;

  /** The allowed forms of a port, as messages name them. */
  public static final String PORT_FORMS = "a number from 1 to 65535";

  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern OCTET =
      Pattern.compile("25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]");
  private static final Pattern IPV4 = Pattern.compile("((" + OCTET + ")\\.){3}(" + OCTET + ")");
  private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_$.-]{1,63}");

  private EndpointNames() {}

  /** What is wrong with {@code host} as the {@code field}, and the fix; empty when it is fine. */
  public static Optional<String> checkHost(String field, String host) {
    if (host == null || host.isEmpty()) {
      return Optional.of(field + " is missing: set it to " + HOST_FORMS);
    }
    if (isHost(host)) {
      return Optional.empty();
    }
    return Optional.of(
        field + " " + quoted(host) + " is not a host name or IP address: use " + HOST_FORMS);
  }

  /** What is wrong with {@code database} as the {@code field}, and the fix; empty if fine. */
  public static Optional<String> checkDatabase(String field, String database) {
    if (database == null || database.isEmpty()) {
      return Optional.of(field + " is missing: set it to a database name of " + DATABASE_FORMS);
    }
    if (DATABASE.matcher(database).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        field + " " + quoted(database) + " is not a database name: use " + DATABASE_FORMS);
  }

  /** What is wrong with {@code port} as the {@code field}, and the fix; empty if fine. */
  public static Optional<String> checkPort(String field, int port) {
    if (port >= 1 && port <= 65535) {
      return Optional.empty();
    }
    return Optional.of(field + " " + port + " is not a port: use " + PORT_FORMS);
  }

  /**
   * @throws InvalidEndpointException naming each field of the endpoint that is not allowed
   */
  static void check(ServerEndpoint server) {
    List<String> problems = new ArrayList<>();
    checkHost("host", server.host()).ifPresent(problems::add);
    checkPort("port", server.port()).ifPresent(problems::add);
    checkDatabase("database", server.database()).ifPresent(problems::add);
    if (!problems.isEmpty()) {
      throw new InvalidEndpointException(server.name() + ": " + String.join("; ", problems));
    }
  }

  /** The host as the drivers take it: an IPv6 address without its brackets. */
  static String driverHost(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  static boolean isHost(String host) {
    if (host.length() > 253) {
      return false;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      return isIpv6(host.substring(1, host.length() - 1));
    }
    if (host.indexOf(':') >= 0) {
      return isIpv6(host);
    }
    return IPV4.matcher(host).matches() || isHostName(host);
  }

  private static boolean isHostName(String host) {
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    // RFC 1123 2.1: a name never looks like a dotted number, which would be read as an address.
    return !DIGITS.matcher(labels[labels.length - 1]).matches();
  }

  /** RFC 4291 2.2 text forms, without a zone (%eth0). */
  static boolean isIpv6(String address) {
    String hex = address;
    int lastColon = address.lastIndexOf(':');
    if (lastColon < 0) {
      return false;
    }
    String tail = address.substring(lastColon + 1);
    if (tail.indexOf('.') >= 0) {
      // An IPv4 address in the last 32 bits counts as two groups.
      if (!IPV4.matcher(tail).matches()) {
        return false;
      }
      hex = address.substring(0, lastColon + 1) + "0:0";
    }
    int gap = hex.indexOf("::");
    if (gap < 0) {
      return groups(hex) == 8;
    }
    if (hex.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    int left = gap == 0 ? 0 : groups(hex.substring(0, gap));
    int right = gap + 2 == hex.length() ? 0 : groups(hex.substring(gap + 2));
    return left >= 0 && right >= 0 && left + right <= 7;
  }

  /** Number of colon-separated hex groups, or -1 if any part is not one. */
  private static int groups(String part) {
    String[] groups = part.split(":", -1);
    for (String group : groups) {
      if (!HEX_GROUP.matcher(group).matches()) {
        return -1;
      }
    }
    return groups.length;
  }

  /**
   * The value as a message can show it: quoted, at most 80 characters, and everything but printable
   * ASCII escaped (no allowed value has any, and control or bidi characters could garble a log).
   */
  static String quoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    value
        .codePoints()
        .limit(80)
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
              } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    if (value.codePointCount(0, value.length()) > 80) {
      out.append("...");
    }
    return out.append('"').toString();
  }
}
