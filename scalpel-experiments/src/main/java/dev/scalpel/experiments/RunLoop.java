package dev.scalpel.experiments;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.io.AtomicFiles;
import dev.scalpel.experiments.io.Csv;
import dev.scalpel.train.checkpoint.CheckpointException;
import dev.scalpel.train.checkpoint.CheckpointFile;
import dev.scalpel.train.checkpoint.Sections;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one run loop of every task: epochs of steps ({@link Schedule}), evaluations, the metrics file, live
 * diagnostics of the surgery, checkpoints, resumption and progress.
 *
 * <p>A run directory holds:
 * <ul>
 *   <li>{@code metrics.csv}: one row per evaluation — {@code epoch, step}, the task's evaluation columns, the
 *       diagnostics of the steps since the previous row (means; see below), {@code seconds} (wall time since the
 *       run began, resumptions added up);</li>
 *   <li>{@code checkpoint.bin}: everything needed to continue ({@link CheckpointFile}: atomic, checksummed), written
 *       every {@code checkpoint_every} steps, at an evaluation when {@code checkpointSeconds} have passed since
 *       the last one, and at the end.</li>
 * </ul>
 * Running again into a directory with a checkpoint resumes it: the position, the rows, the diagnostics of the
 * unfinished period and the trainer's state come back, and the run ends with exactly the rows of an uninterrupted
 * run (the {@code seconds} column aside), whenever it was stopped ({@code kill -9} included: the checkpoint is
 * replaced atomically). When the JVM shuts down during a run (Ctrl-C, SIGTERM; not {@code kill -9}) the run
 * saves its position after the step under way and ends (its shutdown hook waits up to
 * {@value #SHUTDOWN_WAIT_SECONDS} s for that), so nothing done is lost. A checkpoint of another task, method or
 * result-affecting setting is refused with a
 * {@link CheckpointException} naming both. A finished run returns its summary without training.
 *
 * <p>Diagnostics columns (k losses, loss 0 the main one; means over the period's steps, NaN where undefined or
 * with {@code diagnostics=false}): {@code cos_main_aux} (cos(g_0, g_1); {@code cos_main_aux2} for g_2, …),
 * {@code cos_ema_main} (cos(EMA of g_0, g_0): how stale the EMA is), {@code ratio_aux} (the projection ratio
 * ⟨g_1, m⟩/⟨m, m⟩, m the EMA of g_0), {@code cos_d_main} (cos(d, g_0)), {@code d_norm} (|d|), {@code orth_error}
 * (cos(d − g_0, m): 0 for Bloop), {@code skipped} (steps skipped on non-finite gradients).
 */
public final class RunLoop {
  /** Steps between checkpoints; 0: only at evaluations (throttled) and at the end. Does not change results. */
  public static final Setting CHECKPOINT_EVERY = Setting.integer("checkpoint_every", 0, 0,
      "steps between checkpoints (0: at evaluations, at most every 10 s, and at the end)").operational();
  /** Whether the surgery's diagnostics are recorded. Does not change results (directions are the same bits). */
  public static final Setting DIAGNOSTICS = Setting.flag("diagnostics", true,
      "record cos(g_main, g_aux), the EMA's staleness, r, |d|, the orthogonality error per evaluation")
      .operational();
  /** How long the shutdown hook of a run waits for the run to save its position. */
  public static final int SHUTDOWN_WAIT_SECONDS = 60;
  /** The run directory's files. */
  public static final String CHECKPOINT = "checkpoint.bin";
  public static final String METRICS = "metrics.csv";

  private static final String S_IDENTITY = "run.identity";
  private static final String S_POSITION = "run.position";
  private static final String S_ROWS = "run.rows";
  private static final String S_METER = "run.diagnostics";

  private final Task task;
  private final TaskSettings settings;
  private final double checkpointSeconds;

  private RunLoop(Task task, TaskSettings settings, double checkpointSeconds) {
    this.task = task;
    this.settings = settings;
    this.checkpointSeconds = checkpointSeconds;
  }

  /** A loop for {@code task} with resolved {@code settings} (see {@link Task#settings(Map)}). */
  public static RunLoop of(Task task, TaskSettings settings) {
    if (!settings.task().equals(task.name())) {
      throw new IllegalArgumentException("settings of task " + settings.task() + " given to task " + task.name());
    }
    return new RunLoop(task, settings, 10);
  }

  /** This loop, checkpointing at evaluations at most every {@code seconds} (default 10; 0: every evaluation). */
  public RunLoop withCheckpointSeconds(double seconds) {
    if (!(seconds >= 0)) {
      throw new IllegalArgumentException("checkpoint seconds (" + seconds + ") must be >= 0");
    }
    return new RunLoop(task, settings, seconds);
  }

  /** {@code schema} followed by the loop's settings it does not declare itself. */
  public static List<Setting> withLoopSettings(List<Setting> schema) {
    List<Setting> all = new ArrayList<>(schema);
    for (Setting s : List.of(CHECKPOINT_EVERY, DIAGNOSTICS)) {
      if (schema.stream().noneMatch(x -> x.name().equals(s.name()))) {
        all.add(s);
      }
    }
    return List.copyOf(all);
  }

  /**
   * Trains (or resumes, or just summarises when finished) one run of {@code method} into {@code runDir}. A run
   * that fails (a non-finite gradient, a divergence) leaves metrics.csv with the rows evaluated until then.
   *
   * @throws CheckpointException when {@code runDir} holds a checkpoint of another run, or a damaged one
   * @throws Exception           what the trainer throws (a non-finite gradient under {@code nonfinite=throw}, …)
   */
  public RunResult run(GradientSurgery method, Path runDir, RunListener listener) throws Exception {
    RunListener out = listener == null ? RunListener.NONE : listener;
    long t0 = System.nanoTime();
    Files.createDirectories(runDir);
    method.config().checkLosses(task.losses());
    GradientSurgery surgery = method.withDiagnostics(settings.booleanValue(DIAGNOSTICS.name()));
    String identity = settings.identity(task.fullSchema()) + "\nmethod: " + method;
    int checkpointEvery = settings.intValue(CHECKPOINT_EVERY.name());
    Path checkpoint = runDir.resolve(CHECKPOINT);
    try (Trainer trainer = task.trainer(surgery, settings)) {
      Schedule plan = trainer.schedule();
      DiagnosticsMeter meter = new DiagnosticsMeter(task.losses());
      List<String> columns = new ArrayList<>(List.of("epoch", "step"));
      columns.addAll(trainer.evaluationColumns());
      columns.addAll(meter.columns());
      columns.add("seconds");
      List<Map<String, Double>> rows = new ArrayList<>();
      int epoch = 0;
      int batch = 0;
      long step = 0;
      double prior = 0;
      if (Files.exists(checkpoint)) {
        Map<String, byte[]> s = CheckpointFile.read(checkpoint);
        String saved = Sections.utf8(Sections.require(s, S_IDENTITY, checkpoint.toString()));
        if (!saved.equals(identity)) {
          throw new CheckpointException("run directory " + runDir + " holds a checkpoint of another run:\n"
              + "  checkpoint: " + saved.replace("\n", "; ") + "\n  requested:  " + identity.replace("\n", "; ")
              + "\nUse another directory, or delete " + checkpoint + " to start afresh.");
        }
        try {
          trainer.restore(s);
          try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(
              Sections.require(s, S_POSITION, checkpoint.toString())))) {
            epoch = in.readInt();
            batch = in.readInt();
            step = in.readLong();
            prior = in.readDouble();
          }
          rows.addAll(readRows(Sections.require(s, S_ROWS, checkpoint.toString()), columns));
          meter.restore(Sections.require(s, S_METER, checkpoint.toString()));
        } catch (IOException e) {
          throw new CheckpointException("cannot resume from " + checkpoint + ": " + e.getMessage()
              + ". Use another directory, or delete the checkpoint to start afresh.", e);
        }
        if (epoch > plan.epochs() || batch >= plan.stepsPerEpoch()
            || step != (long) epoch * plan.stepsPerEpoch() + batch) {
          throw new CheckpointException("checkpoint " + checkpoint + " is at epoch " + epoch + ", step " + batch
              + " of the epoch (step " + step + "), outside this run's " + plan.epochs() + " epochs of "
              + plan.stepsPerEpoch() + " steps");
        }
      }
      out.onStart(step, plan.totalSteps());
      if (rows.isEmpty() && step == 0 && plan.evaluateAtStart()) {
        rows.add(evaluate(trainer, 0, 0, meter, prior + elapsed(t0), out)); // no steps yet: NaN diagnostics
        writeMetrics(runDir, rows, columns);
      }
      Stop stop = new Stop();
      Thread hook = new Thread(stop::awaitSaved, "scalpel-run-shutdown");
      boolean hooked = addHook(hook);
      try {
        train(trainer, plan, meter, rows, columns, epoch, batch, step, prior, t0, runDir, identity,
            checkpointEvery, out, stop);
      } catch (Exception | Error e) {
        if (!rows.isEmpty() && !(e instanceof InterruptedRunException)) {
          writeMetrics(runDir, rows, columns); // what the run saw until it failed (a divergence, a bad gradient)
        }
        throw e;
      } finally {
        stop.saved.countDown(); // whatever happened, the hook need not wait any longer
        if (hooked) {
          removeHook(hook);
        }
      }
      if (rows.isEmpty()) {
        throw new IllegalStateException("task " + task.name() + " finished without an evaluation");
      }
      writeMetrics(runDir, rows, columns);
      Map<String, Double> summary = trainer.summary(rows);
      Map<String, Double> ordered = new LinkedHashMap<>();
      for (String c : task.metricColumns()) {
        Double v = summary.get(c);
        if (v == null) {
          throw new IllegalStateException("task " + task.name() + " gave no final metric " + c);
        }
        ordered.put(c, v);
      }
      Map<String, Double> lastRow = rows.get(rows.size() - 1);
      return new RunResult(ordered, lastRow.get("step").longValue(), lastRow.get("seconds"));
    }
  }

  /** The steps from the position (epoch, batch, step) to the end, with evaluations and checkpoints. */
  private void train(Trainer trainer, Schedule plan, DiagnosticsMeter meter, List<Map<String, Double>> rows,
      List<String> columns, int epoch, int batch, long step, double prior, long t0, Path runDir, String identity,
      int checkpointEvery, RunListener out, Stop stop) throws Exception {
    Path checkpoint = runDir.resolve(CHECKPOINT);
    long total = plan.totalSteps();
    long lastSave = System.nanoTime();
    for (; epoch < plan.epochs(); epoch++, batch = 0) {
      for (; batch < plan.stepsPerEpoch(); batch++) {
        double[] losses = trainer.step(epoch, batch);
        step++;
        meter.record(trainer.surgeryState());
        out.onStep(step, total, losses);
        boolean epochEnd = batch + 1 == plan.stepsPerEpoch();
        boolean evaluated = false;
        if (epochEnd && plan.evaluatesAfter(epoch + 1)) {
          rows.add(evaluate(trainer, epoch + 1, step, meter, prior + elapsed(t0), out));
          evaluated = true;
        }
        boolean last = step == total;
        boolean due = checkpointEvery > 0 && step % checkpointEvery == 0;
        boolean timely = evaluated && (System.nanoTime() - lastSave) / 1e9 >= checkpointSeconds;
        boolean stopping = stop.requested && !last;
        if (last || due || timely || stopping) {
          int nextEpoch = epochEnd ? epoch + 1 : epoch;
          int nextBatch = epochEnd ? 0 : batch + 1;
          save(trainer, checkpoint, identity, nextEpoch, nextBatch, step, prior + elapsed(t0), rows, columns,
              meter);
          writeMetrics(runDir, rows, columns);
          lastSave = System.nanoTime();
          out.onCheckpoint(checkpoint, step);
          if (stopping) {
            out.onInterrupted(checkpoint, step);
            stop.saved.countDown();
            throw new InterruptedRunException(runDir, step);
          }
        }
      }
    }
  }

  /** Thrown when a run saved its position and stopped because the JVM is shutting down. */
  public static final class InterruptedRunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InterruptedRunException(Path runDir, long step) {
      super("interrupted after step " + step + "; saved in " + runDir.resolve(CHECKPOINT)
          + ": run the same command again to resume");
    }
  }

  /** A run's stop request (set by its shutdown hook) and the signal that the run has saved and stopped. */
  private static final class Stop {
    volatile boolean requested;
    final java.util.concurrent.CountDownLatch saved = new java.util.concurrent.CountDownLatch(1);

    /** The shutdown hook: asks the training thread to save after its current step, and waits for it. */
    void awaitSaved() {
      requested = true;
      try {
        saved.await(SHUTDOWN_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static boolean addHook(Thread hook) {
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return true;
    } catch (IllegalStateException shuttingDown) {
      return false;
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already stopping: the hook has run or is running
    }
  }

  private static Map<String, Double> evaluate(Trainer trainer, int epochsDone, long step, DiagnosticsMeter meter,
      double seconds, RunListener out) throws Exception {
    Map<String, Double> row = new LinkedHashMap<>();
    row.put("epoch", (double) epochsDone);
    row.put("step", (double) step);
    List<String> names = trainer.evaluationColumns();
    double[] v = trainer.evaluate(epochsDone);
    if (v.length != names.size()) {
      throw new IllegalStateException("evaluation gave " + v.length + " values for " + names.size() + " columns "
          + names);
    }
    for (int i = 0; i < v.length; i++) {
      row.put(names.get(i), v[i]);
    }
    meter.closePeriod(row);
    row.put("seconds", seconds);
    out.onEvaluation(row);
    return row;
  }

  private static double elapsed(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void save(Trainer trainer, Path file, String identity, int epoch, int batch, long step,
      double seconds, List<Map<String, Double>> rows, List<String> columns, DiagnosticsMeter meter) {
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put(S_IDENTITY, Sections.utf8(identity));
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream o = new DataOutputStream(b);
      o.writeInt(epoch);
      o.writeInt(batch);
      o.writeLong(step);
      o.writeDouble(seconds);
      o.flush();
      s.put(S_POSITION, b.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s.put(S_ROWS, writeRows(rows, columns));
    s.put(S_METER, meter.save());
    Map<String, byte[]> own = new LinkedHashMap<>();
    trainer.save(own);
    for (Map.Entry<String, byte[]> e : own.entrySet()) {
      if (e.getKey().startsWith("run.")) {
        throw new IllegalStateException("trainer section " + e.getKey() + " uses the loop's prefix run.");
      }
      s.put(e.getKey(), e.getValue());
    }
    CheckpointFile.write(file, s);
  }

  private static byte[] writeRows(List<Map<String, Double>> rows, List<String> columns) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream o = new DataOutputStream(b);
      o.writeUTF(String.join(",", columns));
      o.writeInt(rows.size());
      for (Map<String, Double> r : rows) {
        for (String c : columns) {
          o.writeDouble(r.get(c));
        }
      }
      o.flush();
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Map<String, Double>> readRows(byte[] bytes, List<String> columns) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      String header = in.readUTF();
      if (!header.equals(String.join(",", columns))) {
        throw new IOException("its metrics have columns " + header + ", this run has " + columns);
      }
      int n = in.readInt();
      List<Map<String, Double>> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Map<String, Double> r = new LinkedHashMap<>();
        for (String c : columns) {
          r.put(c, in.readDouble());
        }
        rows.add(r);
      }
      return rows;
    }
  }

  /** Rewrites {@code metrics.csv} atomically: integers for epoch, step and skipped, shortest doubles elsewhere. */
  static void writeMetrics(Path runDir, List<Map<String, Double>> rows, List<String> columns) throws IOException {
    StringBuilder b = new StringBuilder(Csv.line(columns));
    List<String> f = new ArrayList<>(columns.size());
    for (Map<String, Double> r : rows) {
      f.clear();
      for (String c : columns) {
        double v = r.get(c);
        f.add(c.equals("epoch") || c.equals("step") || c.equals("skipped") ? Long.toString((long) v)
            : c.equals("seconds") ? String.format(java.util.Locale.ROOT, "%.3f", v) : Csv.num(v));
      }
      b.append(Csv.line(f));
    }
    AtomicFiles.write(runDir.resolve(METRICS), b.toString());
  }
}
