package dev.scalpel.experiments;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resolved settings of a task: every setting of its schema ({@link Task#schema()}), in schema order, given
 * values checked and defaults filled in. Written to {@code run.properties} and {@code sweep.properties} so that a
 * run or sweep directory is only ever resumed with the settings it was started with.
 *
 * @param task   the task's name
 * @param values setting name → canonical value, in schema order
 */
public record TaskSettings(String task, Map<String, String> values) {
  public TaskSettings {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Checks {@code given} against {@code schema} and fills in the defaults.
   *
   * @throws IllegalArgumentException for a key the task does not have (naming the task and listing its settings)
   *                                  or a bad value (naming the value and what was expected)
   */
  public static TaskSettings resolve(String task, List<Setting> schema, Map<String, String> given) {
    Map<String, Setting> byName = new LinkedHashMap<>();
    for (Setting s : schema) {
      byName.put(s.name(), s);
    }
    for (String k : given.keySet()) {
      if (!byName.containsKey(k)) {
        throw new IllegalArgumentException("task " + task + " has no setting '" + k + "'; its settings: "
            + String.join(", ", byName.keySet()) + " (scalpel tasks lists them with their defaults)");
      }
    }
    Map<String, String> v = new LinkedHashMap<>();
    for (Setting s : schema) {
      String value = given.get(s.name());
      v.put(s.name(), value == null ? s.check(s.name(), s.defaultValue()) : s.check(s.name(), value));
    }
    return new TaskSettings(task, v);
  }

  /** The settings that change results (see {@link Setting#affectsResults()}), as one line of text. */
  public String identity(List<Setting> schema) {
    List<String> parts = new ArrayList<>();
    for (Setting s : schema) {
      if (s.affectsResults()) {
        parts.add(s.name() + "=" + get(s.name()));
      }
    }
    return task + ": " + String.join(" ", parts);
  }

  /** These settings with {@code key} set to {@code value} (a key of these settings; value not re-checked). */
  public TaskSettings with(String key, String value) {
    if (!values.containsKey(key)) {
      throw new IllegalArgumentException("task " + task + " has no setting '" + key + "'");
    }
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put(key, value);
    return new TaskSettings(task, v);
  }

  public int intValue(String key) {
    return Integer.parseInt(get(key));
  }

  public long longValue(String key) {
    return Long.parseLong(get(key));
  }

  public double doubleValue(String key) {
    return Double.parseDouble(get(key));
  }

  public boolean booleanValue(String key) {
    return Boolean.parseBoolean(get(key));
  }

  public String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalStateException("task " + task + " has no setting " + key);
    }
    return v;
  }
}
