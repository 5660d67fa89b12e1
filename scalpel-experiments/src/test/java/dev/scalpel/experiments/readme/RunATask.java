package dev.scalpel.experiments.readme;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.RunListener;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Tasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** One run of a registered task through the shared run loop; run it again and it resumes (here: is done). */
public class RunATask {
  public static void main(String[] args) throws Exception {
    Task task = Tasks.byName("quadratic");
    TaskSettings settings = task.settings(Map.of("epochs", "50", "lr", "1e-3"));  // checked, defaults filled in
    Path runDir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("scalpel-run");
    RunResult r = RunLoop.of(task, settings).run(GradientSurgery.parse("bloop:lambda=1,ema=0.01"), runDir,
        new RunListener() {
          @Override
          public void onEvaluation(Map<String, Double> row) {  // a row of runDir/metrics.csv
            if (row.get("epoch") % 10 == 0) {
              System.out.printf("epoch %.0f: main %.4g, cos(g_main, g_aux) %.3f%n", row.get("epoch"),
                  row.get("main_loss"), row.get("cos_main_aux"));
            }
          }
        });
    System.out.println(r.metrics() + " in " + runDir);
  }
}
