package dev.tempdb.operator.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Where settings come from: the environment, and optionally a properties file named by {@code
 * TEMPDB_CONFIG_FILE} with the same {@code TEMPDB_*} keys (e.g. a mounted ConfigMap). The
 * environment wins, so one value can be overridden per pod. A key the operator does not know is an
 * error in the file (a typo would otherwise silently keep a default), and only a warning in the
 * environment, which holds many unrelated variables.
 */
public final class ConfigSources {
  public static final String FILE = "TEMPDB_CONFIG_FILE";

  private ConfigSources() {}

  /** The environment merged over the file it names, if any. */
  public static Map<String, String> load(Map<String, String> env) {
    String file = env.get(FILE);
    if (file == null || file.isBlank()) {
      return Map.copyOf(env);
    }
    Map<String, String> merged = new HashMap<>(read(Path.of(file.trim())));
    merged.putAll(env);
    return Map.copyOf(merged);
  }

  /** TEMPDB_* names in {@code settings} that no part of the operator reads, sorted. */
  public static TreeSet<String> unknown(Map<String, String> settings) {
    TreeSet<String> unknown = new TreeSet<>();
    for (String key : settings.keySet()) {
      if (key.startsWith("TEMPDB_") && !OperatorConfig.isKnown(key)) {
        unknown.add(key);
      }
    }
    return unknown;
  }

  private static Map<String, String> read(Path path) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Setting " + FILE + ": cannot read " + path + " (" + e.getMessage() + ")", e);
    }
    Map<String, String> values = new HashMap<>();
    properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
    TreeSet<String> unknown = unknown(values);
    values.keySet().stream()
        .filter(k -> !k.startsWith("TEMPDB_") && !k.equals("POD_NAMESPACE"))
        .forEach(unknown::add);
    unknown.remove(FILE);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "Setting "
              + FILE
              + ": "
              + path
              + " holds unknown keys "
              + unknown
              + "; the settings are listed in docs/operations.md#configuration");
    }
    return values;
  }
}
