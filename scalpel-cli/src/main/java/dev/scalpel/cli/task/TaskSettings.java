package dev.scalpel.cli.task;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resolved settings of a task (defaults filled in), written to {@code sweep.properties} so that a sweep
 * directory is only ever resumed with the settings it was started with.
 *
 * @param task   the task's name
 * @param values setting name → value, in a stable order
 */
public record TaskSettings(String task, Map<String, String> values) {
  public TaskSettings {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
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

  public String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalStateException("task " + task + " has no setting " + key);
    }
    return v;
  }
}
