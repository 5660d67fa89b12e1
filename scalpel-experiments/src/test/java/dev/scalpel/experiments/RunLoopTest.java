package dev.scalpel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.io.Csv;
import dev.scalpel.train.checkpoint.CheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run loop on the engine-free tasks: layout of metrics.csv, resumption bit for bit, refusals. */
class RunLoopTest {
  @TempDir
  Path tmp;

  static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  static RunResult run(String task, Map<String, String> settings, String method, Path dir, long killAt)
      throws Exception {
    Task t = Tasks.byName(task);
    return RunLoop.of(t, t.settings(settings)).withCheckpointSeconds(1e9).run(GradientSurgery.parse(method), dir,
        new RunListener() {
          @Override
          public void onStep(long step, long totalSteps, double[] losses) {
            if (step == killAt) {
              throw new Killed();
            }
          }
        });
  }

  static List<String> withoutSeconds(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve(RunLoop.METRICS)).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
  }

  /**
   * Killed after a checkpoint (mid-epoch for quadratic: 4 steps per epoch, checkpoints every 3 steps), resumed
   * with fresh objects: the same rows, diagnostics included, and the same final metrics.
   */
  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "toy2d; steps=300,checkpoint_every=40; bloop:lambda=0.5,ema=0.1; 130",
      "toy3d; steps=300,checkpoint_every=40; upgrad; 130",
      "toy3d; steps=300,checkpoint_every=40; nash-mtl; 97",
      "quadratic; epochs=12,checkpoint_every=3; bloop:lambda=1,ema=0.01; 29",
      "quadratic; epochs=12,checkpoint_every=3,batch_size=100; pcgrad:lambda=3,ema=0.5; 20"})
  void resumesBitForBit(String task, String settings, String method, long killAt) throws Exception {
    Map<String, String> s = new HashMap<>();
    for (String kv : settings.split(",")) {
      s.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    RunResult full = run(task, s, method, tmp.resolve("full"), -1);
    assertThrows(Killed.class, () -> run(task, s, method, tmp.resolve("cut"), killAt));
    RunResult resumed = run(task, s, method, tmp.resolve("cut"), -1);
    assertEquals(full.metrics(), resumed.metrics());
    assertEquals(full.steps(), resumed.steps());
    assertEquals(withoutSeconds(tmp.resolve("full")), withoutSeconds(tmp.resolve("cut")));
  }

  @Test
  void metricsHaveOneRowPerEvaluationWithTheDiagnostics() throws Exception {
    run("quadratic", Map.of("epochs", "5"), "bloop:lambda=1,ema=0.01", tmp, -1);
    List<Map<String, String>> rows = Csv.read(tmp.resolve(RunLoop.METRICS));
    assertEquals(List.of("epoch", "step", "main_loss", "aux_loss", "cos_main_aux", "cos_ema_main", "ratio_aux",
        "cos_d_main", "d_norm", "orth_error", "skipped", "seconds"), List.copyOf(rows.get(0).keySet()));
    assertEquals(6, rows.size()); // the start and 5 epochs
    assertEquals("0", rows.get(0).get("step"));
    assertEquals("NaN", rows.get(0).get("cos_main_aux")); // no step yet
    assertEquals("20", rows.get(5).get("step")); // 4 steps of 64 per epoch
    for (Map<String, String> r : rows.subList(1, rows.size())) {
      assertTrue(Math.abs(Double.parseDouble(r.get("orth_error"))) < 1e-3, r.toString());
      assertEquals("0", r.get("skipped"));
    }
  }

  @Test
  void toy3dHasAColumnPerAuxiliaryLoss() throws Exception {
    run("toy3d", Map.of("steps", "10"), "mgda", tmp, -1);
    List<Map<String, String>> rows = Csv.read(tmp.resolve(RunLoop.METRICS));
    assertEquals(List.of("epoch", "step", "a", "b", "c", "main_loss", "aux_loss", "aux2_loss", "cos_main_aux",
        "cos_main_aux2", "cos_ema_main", "ratio_aux", "ratio_aux2", "cos_d_main", "d_norm", "orth_error", "skipped",
        "seconds"), List.copyOf(rows.get(0).keySet()));
    assertEquals(11, rows.size());
  }

  @Test
  void diagnosticsOffLeavesTheColumnsNaNAndTheResultsUnchanged() throws Exception {
    RunResult on = run("toy2d", Map.of("steps", "50"), "bloop:lambda=2,ema=0.3", tmp.resolve("on"), -1);
    RunResult off = run("toy2d", Map.of("steps", "50", "diagnostics", "false"), "bloop:lambda=2,ema=0.3",
        tmp.resolve("off"), -1);
    assertEquals(on.metrics(), off.metrics());
    List<Map<String, String>> rows = Csv.read(tmp.resolve("off").resolve(RunLoop.METRICS));
    assertEquals("NaN", rows.get(10).get("cos_main_aux"));
    assertEquals("NaN", rows.get(10).get("d_norm"));
  }

  @Test
  void refusesACheckpointOfAnotherRun() throws Exception {
    run("toy2d", Map.of("steps", "20"), "mixed:lambda=1", tmp, -1);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> run("toy2d", Map.of("steps", "30"), "mixed:lambda=1", tmp, -1));
    assertTrue(e.getMessage().contains("steps=20") && e.getMessage().contains("steps=30"), e.getMessage());
    e = assertThrows(CheckpointException.class, () -> run("toy2d", Map.of("steps", "20"), "mixed:lambda=2", tmp, -1));
    assertTrue(e.getMessage().contains("lambda=2"), e.getMessage());
    // operational settings may change: the finished run's summary comes back
    assertEquals(run("toy2d", Map.of("steps", "20"), "mixed:lambda=1", tmp.resolve("again"), -1).metrics(),
        run("toy2d", Map.of("steps", "20", "checkpoint_every", "3"), "mixed:lambda=1", tmp, -1).metrics());
  }

  @Test
  void refusesADamagedCheckpoint() throws Exception {
    run("toy2d", Map.of("steps", "20"), "mixed:lambda=1", tmp, -1);
    Path ck = tmp.resolve(RunLoop.CHECKPOINT);
    byte[] b = Files.readAllBytes(ck);
    b[b.length / 2] ^= 1;
    Files.write(ck, b);
    assertThrows(CheckpointException.class, () -> run("toy2d", Map.of("steps", "20"), "mixed:lambda=1", tmp, -1));
  }

  @Test
  void refusesAMethodThatCannotTakeTheTasksLosses() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> run("toy3d", Map.of("steps", "5"), "constant:weights=1/1", tmp, -1));
    assertTrue(e.getMessage().contains("3"), e.getMessage());
  }
}
