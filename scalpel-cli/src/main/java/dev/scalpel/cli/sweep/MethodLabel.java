package dev.scalpel.cli.sweep;

import dev.scalpel.core.SurgeryConfig;
import java.util.ArrayList;
import java.util.List;

/** Short, human labels for methods: the name plus the keys that differ from the defaults (λ left out). */
public final class MethodLabel {
  private MethodLabel() {
  }

  public static String of(SurgeryConfig config) {
    SurgeryConfig defaults = SurgeryConfig.defaults(config.method()).withLambda(config.lambda());
    String[] mine = pairs(config.toSpec());
    String[] base = pairs(defaults.toSpec());
    List<String> diff = new ArrayList<>();
    for (int i = 0; i < mine.length; i++) {
      if (!mine[i].equals(base[i]) && !mine[i].startsWith("lambda=")) {
        diff.add(mine[i]);
      }
    }
    return diff.isEmpty() ? config.method().specName()
        : config.method().specName() + " " + String.join(" ", diff);
  }

  private static String[] pairs(String spec) {
    return spec.substring(spec.indexOf(':') + 1).split(",");
  }

  /** A file-name-safe form of a label. */
  public static String slug(String label) {
    return label.replaceAll("[^A-Za-z0-9._=-]+", "_");
  }
}
