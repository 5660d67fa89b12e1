package dev.scalpel.djl;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryState;
import dev.scalpel.train.checkpoint.CheckpointException;
import dev.scalpel.train.checkpoint.Sections;
import dev.scalpel.train.optim.Optimiser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * The checkpoint sections of a training step (TwoLossStep, KLossStep; one format):
 *   step.meta       int version (1), long steps, UTF surgery spec, UTF optimiser spec, int n, n × (UTF name, int size)
 *   step.params     the parameter values (Sections.floats)
 *   step.optimiser  Optimiser.saveState()
 *   step.surgery    SurgeryState.snapshot(), empty before the first step
 * restore checks the version, the surgery and optimiser specs and the parameter layout before changing anything,
 * and reports each mismatch as a CheckpointException saying which.
 */
final class StepCheckpoint {
  static final int VERSION = 1;
  static final String META = "step.meta";
  static final String PARAMS = "step.params";
  static final String OPTIMISER = "step.optimiser";
  static final String SURGERY = "step.surgery";

  private StepCheckpoint() {
  }

  static Map<String, byte[]> save(long steps, GradientSurgery surgery, Optimiser optimiser, ParameterBinding b,
      SurgeryState state) {
    Map<String, byte[]> s = new LinkedHashMap<>();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(VERSION);
      out.writeLong(steps);
      out.writeUTF(surgery.toString());
      out.writeUTF(optimiser.spec());
      out.writeInt(b.sizes.length);
      for (ParameterInfo p : b.infos) {
        out.writeUTF(p.name());
        out.writeInt(p.size());
      }
      out.flush();
      s.put(META, bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s.put(PARAMS, Sections.floats(b.values()));
    s.put(OPTIMISER, optimiser.saveState());
    s.put(SURGERY, state == null ? new byte[0] : state.snapshot());
    return s;
  }

  /** What a checkpoint restores; the parameters are already written into the tensors. */
  record Restored(long steps, SurgeryState state) {
  }

  static Restored restore(Map<String, byte[]> sections, GradientSurgery surgery, Optimiser optimiser,
      ParameterBinding b) {
    b.bind();
    String where = "(step state)";
    byte[] meta = Sections.require(sections, META, where);
    long savedSteps;
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(meta))) {
      int version = in.readInt();
      if (version != VERSION) {
        throw new CheckpointException("step state has version " + version + "; this build reads " + VERSION);
      }
      savedSteps = in.readLong();
      String savedSurgery = in.readUTF();
      if (!savedSurgery.equals(surgery.toString())) {
        throw new CheckpointException("the checkpoint was made with method '" + savedSurgery
            + "' but this step uses '" + surgery + "'");
      }
      String savedOptimiser = in.readUTF();
      if (!savedOptimiser.equals(optimiser.spec())) {
        throw new CheckpointException("the checkpoint was made with optimiser '" + savedOptimiser
            + "' but this step uses '" + optimiser.spec() + "'");
      }
      int n = in.readInt();
      List<String> layout = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        layout.add(in.readUTF() + "[" + in.readInt() + "]");
      }
      List<String> mine = new ArrayList<>();
      for (ParameterInfo p : b.infos) {
        mine.add(p.name() + "[" + p.size() + "]");
      }
      if (!layout.equals(mine)) {
        throw new CheckpointException("the checkpoint holds parameters " + layout + " but the model has " + mine);
      }
    } catch (IOException e) {
      throw new CheckpointException("step state is malformed: " + e, e);
    }
    float[][] values = Sections.floats(Sections.require(sections, PARAMS, where), "parameters section");
    for (int t = 0; t < b.sizes.length; t++) {
      if (values[t].length != b.sizes[t]) {
        throw new CheckpointException("parameter " + b.infos.get(t).name() + " has " + values[t].length
            + " values in the checkpoint, " + b.sizes[t] + " in the model");
      }
    }
    try {
      optimiser.restoreState(Sections.require(sections, OPTIMISER, where));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("cannot restore the optimiser: " + e.getMessage(), e);
    }
    byte[] snap = Sections.require(sections, SURGERY, where);
    SurgeryState restored;
    try {
      restored = snap.length == 0 ? null : surgery.restore(snap, b.sizes);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("cannot restore the surgery state: " + e.getMessage(), e);
    }
    b.setValues(values);
    return new Restored(savedSteps, restored);
  }

  /** saveState plus the caller's sections, which must not reuse a step section's name. */
  /** Reads and verifies {@code file}, hands its sections to {@code restore}, returns them all. */
  static Map<String, byte[]> load(java.nio.file.Path file,
      java.util.function.Consumer<Map<String, byte[]>> restore) {
    Map<String, byte[]> sections = dev.scalpel.train.checkpoint.CheckpointFile.read(file);
    try {
      restore.accept(sections);
    } catch (dev.scalpel.train.checkpoint.CheckpointException e) {
      throw new dev.scalpel.train.checkpoint.CheckpointException("checkpoint " + file + ": " + e.getMessage(), e);
    }
    return sections;
  }

  static Map<String, byte[]> withExtra(Map<String, byte[]> all, Map<String, byte[]> extra) {
    if (extra != null) {
      for (Map.Entry<String, byte[]> e : extra.entrySet()) {
        if (all.containsKey(e.getKey())) {
          throw new IllegalArgumentException("section name '" + e.getKey() + "' is reserved");
        }
        all.put(e.getKey(), e.getValue());
      }
    }
    return all;
  }
}
