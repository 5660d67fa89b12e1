package dev.scalpel.experiments;

import dev.scalpel.experiments.smooth.SmoothMnistTask;
import dev.scalpel.experiments.toy.QuadraticTask;
import dev.scalpel.experiments.toy.Toy2dTask;
import dev.scalpel.experiments.toy.Toy3dTask;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The registry of tasks, by name (the command line's {@code --task}). */
public final class Tasks {
  private static final Map<String, Supplier<Task>> TASKS = new LinkedHashMap<>();

  static {
    TASKS.put("toy2d", Toy2dTask::new);
    TASKS.put("toy3d", Toy3dTask::new);
    TASKS.put("quadratic", QuadraticTask::new);
    TASKS.put("smooth-mnist", SmoothMnistTask::new);
    TASKS.put("overlay", dev.scalpel.experiments.overlay.OverlayTask::new);
    TASKS.put("lm", dev.scalpel.experiments.text.LmTask::new);
    TASKS.put("translate", dev.scalpel.experiments.text.TranslationTask::new);
  }

  private Tasks() {
  }

  /** Registers a task (used by modules that bring their own, such as smooth-mnist). */
  public static synchronized void register(String name, Supplier<Task> task) {
    TASKS.put(name, task);
  }

  public static synchronized Task byName(String name) {
    Supplier<Task> t = TASKS.get(name);
    if (t == null) {
      throw new IllegalArgumentException("unknown task '" + name + "'; expected one of: "
          + String.join(", ", TASKS.keySet()));
    }
    return t.get();
  }

  public static synchronized Iterable<String> names() {
    return TASKS.keySet();
  }
}
