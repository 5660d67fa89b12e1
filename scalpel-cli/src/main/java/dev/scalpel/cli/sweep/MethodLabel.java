package dev.scalpel.cli.sweep;

import dev.scalpel.core.SurgeryConfig;
import java.util.ArrayList;
import java.util.List;

/** Short, human labels for methods: the name plus the keys that differ from the defaults (λ left out). */
public final class MethodLabel {
  private MethodLabel() {
  }

  public static String of(SurgeryConfig config) {
    List<String> diff = new ArrayList<>();
    for (String key : config.method().keys()) {
      String value = config.get(key);
      if (!key.equals("lambda") && !value.equals(config.method().defaultValue(key))) {
        diff.add(key + "=" + value);
      }
    }
    return diff.isEmpty() ? config.method().specName()
        : config.method().specName() + " " + String.join(" ", diff);
  }

  /** A file-name-safe form of a label. */
  public static String slug(String label) {
    return label.replaceAll("[^A-Za-z0-9._=-]+", "_");
  }
}
