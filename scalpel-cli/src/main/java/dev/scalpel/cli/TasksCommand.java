package dev.scalpel.cli;

import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.Tasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code scalpel tasks}: every task with its losses, settings and defaults (what {@code --set} accepts). */
@Command(name = "tasks", mixinStandardHelpOptions = true,
    header = "List the tasks with their settings and defaults.",
    description = "List the tasks, or the given ones, with their settings and defaults (give them to train and "
        + "sweep with --set key=value). Settings marked * do not change results: a run may resume with another "
        + "value.")
public final class TasksCommand implements Callable<Integer> {

  @Parameters(arity = "0..*", paramLabel = "TASK", description = "tasks to show (default: all)")
  List<String> names = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> which = new ArrayList<>(names);
    if (which.isEmpty()) {
      Tasks.names().forEach(which::add);
    }
    List<Task> tasks = new ArrayList<>();
    for (String n : which) {
      tasks.add(Tasks.byName(n)); // an unknown name fails before anything is printed
    }
    System.out.println("Settings marked * do not change results. Give settings with --set key=value.");
    System.out.println();
    for (Task t : tasks) {
      System.out.printf(Locale.ROOT, "%s (%d losses): %s%n", t.name(), t.losses(), t.description());
      for (Setting s : t.fullSchema()) {
        System.out.printf(Locale.ROOT, "    %-22s %-10s %s%s%n", s.name() + (s.affectsResults() ? "" : " *"),
            s.defaultValue(), s.description(), "");
      }
      System.out.printf(Locale.ROOT, "    final metrics: %s%n%n", String.join(", ", t.metricColumns()));
    }
    return 0;
  }
}
