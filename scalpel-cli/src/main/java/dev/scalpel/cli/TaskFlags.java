package dev.scalpel.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The task settings of {@code train} and {@code sweep}: {@code --set key=value} for any setting a task declares
 * ({@code scalpel tasks} lists them), and shorthands for the common ones. Values are checked by the task's schema,
 * so an error names the setting and the task.
 */
final class TaskFlags {
  @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "a task setting, repeatable, e.g. --set max_steps_per_epoch=20 (scalpel tasks lists them)")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--seed", paramLabel = "N", description = "shorthand for --set seed=N")
  String seed;

  @Option(names = "--steps", paramLabel = "N", description = "shorthand for --set steps=N (toy2d, toy3d)")
  String steps;

  @Option(names = "--epochs", paramLabel = "N", description = "shorthand for --set epochs=N")
  String epochs;

  @Option(names = "--lr", paramLabel = "X", description = "shorthand for --set lr=X")
  String lr;

  @Option(names = "--batch-size", paramLabel = "N", description = "shorthand for --set batch_size=N")
  String batchSize;

  @Option(names = "--checkpoint-every", paramLabel = "N", description = "shorthand for --set checkpoint_every=N")
  String checkpointEvery;

  /** Every setting given, by key; a key given twice (a shorthand and --set) is an error. */
  Map<String, String> given() {
    for (Map.Entry<String, String> e : set.entrySet()) {
      if (e.getValue().isEmpty()) {
        throw new IllegalArgumentException("--set " + e.getKey() + ": expected KEY=VALUE, e.g. --set "
            + e.getKey() + "=10");
      }
    }
    Map<String, String> g = new LinkedHashMap<>(set);
    put(g, "seed", "--seed", seed);
    put(g, "steps", "--steps", steps);
    put(g, "epochs", "--epochs", epochs);
    put(g, "lr", "--lr", lr);
    put(g, "batch_size", "--batch-size", batchSize);
    put(g, "checkpoint_every", "--checkpoint-every", checkpointEvery);
    return g;
  }

  private static void put(Map<String, String> g, String key, String flag, String value) {
    if (value == null) {
      return;
    }
    if (g.containsKey(key)) {
      throw new IllegalArgumentException(flag + " " + value + " and --set " + key + "=" + g.get(key)
          + " both set " + key + "; give it once");
    }
    g.put(key, value);
  }

  boolean any() {
    return !given().isEmpty();
  }
}
