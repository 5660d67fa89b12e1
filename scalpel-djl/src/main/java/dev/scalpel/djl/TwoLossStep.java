package dev.scalpel.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.InitMode;
import dev.scalpel.core.Method;
import dev.scalpel.core.NonFinitePolicy;
import dev.scalpel.core.SurgeryConfig;
import dev.scalpel.core.SurgeryState;
import dev.scalpel.train.checkpoint.CheckpointException;
import dev.scalpel.train.checkpoint.CheckpointFile;
import dev.scalpel.train.checkpoint.Sections;
import dev.scalpel.train.optim.Optimiser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training step with two losses for any DJL {@link Block} on the CPU: the gradient of the main loss and that of
 * the auxiliary loss are obtained separately, combined by a {@link GradientSurgery} (global inner products over all
 * parameters) and applied by an {@link Optimiser} that we own, so that the whole training state can be saved.
 *
 * <pre>{@code
 * GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.1,ema=0.01");
 * try (TwoLossStep step = TwoLossStep.builder(block)
 *          .surgery(bloop)
 *          .optimiser(Adam.withLearningRate(3e-4))
 *          .build()) {
 *   for (Batch b : batches) {
 *     StepResult r = step.step(
 *         m -> loss.evaluate(new NDList(m.create(b.labels())),
 *                  block.forward(step.parameterStore(), new NDList(m.create(b.images(), shape)), true)),
 *         AuxiliaryLoss.analytic(new SpectralNormLoss(1, seed)));   // or AuxiliaryLoss.autograd(m -> ...)
 *   }
 *   CheckpointFile.write(dir.resolve("ckpt.bin"), step.saveState());
 * }
 * }</pre>
 *
 * <p>One step: zero the gradients; forward and backward the main loss; for an autograd auxiliary loss, copy the
 * main gradient aside (the only copy: autograd accumulates into the same gradient tensors), zero, forward and
 * backward the auxiliary loss; for an {@link AnalyticLoss}, compute its gradient in Java from views of the
 * parameters. The surgery writes the direction into the gradient tensors, and the optimiser moves the parameter
 * tensors in place through direct views of their memory ({@link GradientPath#NATIVE}; {@link GradientPath#ARRAYS}
 * copies everything to Java arrays instead). Every array of a step is freed when the step ends.
 *
 * <p>Threads: the surgery uses {@link GradientSurgery#threads()}; PyTorch its own pool ({@link TorchThreads}).
 * With one of each, fixed seeds and Java-side initialisation, training is reproducible bit for bit, resumes
 * included. Not thread-safe; only one DJL gradient collector may be open at a time in the process.
 */
public final class TwoLossStep implements AutoCloseable {
  /** Names of the sections {@link #saveState()} writes. */
  public static final String SECTION_META = StepCheckpoint.META;
  public static final String SECTION_PARAMS = StepCheckpoint.PARAMS;
  public static final String SECTION_OPTIMISER = StepCheckpoint.OPTIMISER;
  public static final String SECTION_SURGERY = StepCheckpoint.SURGERY;

  private final ParameterBinding binding;
  private final List<ParameterInfo> infos;
  private final int[] sizes;
  private final GradientSurgery surgery;
  private final Optimiser optimiser;
  private final GradientPath path;
  private final Engine engine;
  private final NDManager manager;
  private final ParameterStore store;

  private final FloatBuffer[] paramViews;
  private final FloatBuffer[] paramReadOnly;
  private final FloatBuffer[] gradViews;
  private final float[][] mainArrays;
  private final FloatBuffer[] mainBuffers;
  private final float[][] auxArrays;
  private final FloatBuffer[] auxBuffers;
  private final float[][] paramArrays;
  private final FloatBuffer[] paramArrayReadOnly;
  private final Set<AnalyticLoss> bound = Collections.newSetFromMap(new IdentityHashMap<>());

  private final long[] phaseNanos = new long[6];
  private long timedSteps;
  private SurgeryState state;
  private long steps;
  private boolean closed;

  private TwoLossStep(Builder b) {
    this.binding = new ParameterBinding(b.parameters);
    if (b.surgery == null) {
      throw new IllegalArgumentException("a GradientSurgery is required: builder.surgery(...)");
    }
    if (b.optimiser == null) {
      throw new IllegalArgumentException("an Optimiser is required: builder.optimiser(...)");
    }
    this.surgery = b.surgery;
    this.optimiser = b.optimiser;
    this.path = b.path;
    this.infos = binding.infos;
    this.sizes = binding.sizes;
    int n = sizes.length;
    this.engine = binding.engine;
    this.manager = engine.newBaseManager(Device.cpu());
    this.store = new ParameterStore(manager, false);
    paramViews = binding.paramViews;
    paramReadOnly = binding.paramReadOnly;
    gradViews = binding.gradViews;
    mainArrays = new float[n][];
    mainBuffers = new FloatBuffer[n];
    auxArrays = new float[n][];
    auxBuffers = new FloatBuffer[n];
    paramArrays = path == GradientPath.ARRAYS ? new float[n][] : null;
    paramArrayReadOnly = path == GradientPath.ARRAYS ? new FloatBuffer[n] : null;
    for (int t = 0; t < n; t++) {
      mainArrays[t] = new float[sizes[t]];
      mainBuffers[t] = FloatBuffer.wrap(mainArrays[t]);
      auxArrays[t] = new float[sizes[t]];
      auxBuffers[t] = FloatBuffer.wrap(auxArrays[t]);
      if (paramArrays != null) {
        paramArrays[t] = new float[sizes[t]];
        paramArrayReadOnly[t] = FloatBuffer.wrap(paramArrays[t]).asReadOnlyBuffer();
      }
    }
    binding.bind();
    optimiser.init(sizes);
  }

  /** A builder over every parameter of {@code block} that requires a gradient, in {@code getParameters()} order. */
  public static Builder builder(Block block) {
    List<Parameter> ps = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        ps.add(p.getValue());
      }
    }
    return new Builder(ps);
  }

  /** A builder over the given parameters (initialised, float32, on the CPU), in this order. */
  public static Builder builder(List<Parameter> parameters) {
    return new Builder(new ArrayList<>(parameters));
  }

  /**
   * One training step: computes both gradients, the surgery's direction, and applies the optimiser.
   *
   * @param main the main loss (autograd)
   * @param aux  the auxiliary loss (autograd, or analytic)
   * @return the losses before the update, and whether the update was skipped
   */
  public StepResult step(LossFunction main, AuxiliaryLoss aux) {
    if (closed) {
      throw new IllegalStateException("this TwoLossStep is closed");
    }
    if (main == null || aux == null) {
      throw new IllegalArgumentException("main and auxiliary losses must not be null");
    }
    long t0 = System.nanoTime();
    binding.bind();
    double mainLoss;
    double auxLoss;
    try (NDManager sm = manager.newSubManager()) {
      binding.zeroGradients();
      if (path == GradientPath.ARRAYS) {
        for (int t = 0; t < sizes.length; t++) {
          NativeViews.copy(paramViews[t], paramArrays[t]);
        }
      }
      long t1 = System.nanoTime();
      mainLoss = backward(main, sm, "main");
      long t2 = System.nanoTime();
      // where each gradient lives: NATIVE keeps them in the gradient tensors where it can; the array paths copy
      FloatBuffer[] gm;
      FloatBuffer[] ga;
      FloatBuffer[] out;
      boolean arrays = path != GradientPath.NATIVE;
      if (aux instanceof AuxiliaryLoss.Autograd a) {
        binding.copyGradients(mainArrays); // needed on every path: the auxiliary backward pass reuses the tensors
        binding.zeroGradients();
        auxLoss = backward(a.loss(), sm, "auxiliary");
        gm = mainBuffers;
        if (arrays) {
          binding.copyGradients(auxArrays);
          ga = auxBuffers;
          out = mainBuffers;
        } else {
          ga = gradViews;
          out = gradViews;
        }
      } else {
        AnalyticLoss al = ((AuxiliaryLoss.Analytic) aux).loss();
        if (bound.add(al)) {
          al.bind(infos);
        }
        FloatBuffer[] paramsIn = path == GradientPath.ARRAYS ? paramArrayReadOnly : paramReadOnly;
        for (FloatBuffer v : paramsIn) {
          v.rewind();
        }
        auxLoss = al.valueAndGradient(paramsIn, auxArrays);
        ga = auxBuffers;
        if (arrays) {
          binding.copyGradients(mainArrays);
          gm = mainBuffers;
          out = mainBuffers;
        } else {
          gm = gradViews;
          out = gradViews;
        }
      }
      if (state == null) {
        state = initState(gm, ga);
        if (state == null) { // non-finite first gradient under nonfinite=skip: nothing to start the EMA from
          steps++;
          return new StepResult(steps, mainLoss, auxLoss, true, Double.NaN);
        }
      }
      long t3 = System.nanoTime();
      surgery.direction(gm, ga, state, out);
      boolean skipped = state.lastStepSkipped();
      long t4 = System.nanoTime();
      if (!skipped) {
        if (path == GradientPath.ARRAYS) {
          optimiser.updateInPlace(paramArrays, mainArrays);
          for (int t = 0; t < sizes.length; t++) {
            NativeViews.copy(paramArrays[t], paramViews[t]);
          }
        } else {
          optimiser.updateInPlace(paramViews, out); // parameters in place through their views
        }
      }
      steps++;
      long t5 = System.nanoTime();
      phaseNanos[0] += t1 - t0;
      phaseNanos[1] += t2 - t1;
      phaseNanos[2] += t3 - t2;
      phaseNanos[3] += t4 - t3;
      phaseNanos[4] += t5 - t4;
      phaseNanos[5] += t5 - t0;
      timedSteps++;
      return new StepResult(steps, mainLoss, auxLoss, skipped, state.lastRatio());
    }
  }

  /** Mean time per step of each phase since construction or {@link #resetTimings()}. */
  public StepTimings timings() {
    double n = Math.max(1, timedSteps) * 1e6;
    return new StepTimings(timedSteps, phaseNanos[0] / n, phaseNanos[1] / n, phaseNanos[2] / n, phaseNanos[3] / n,
        phaseNanos[4] / n, phaseNanos[5] / n);
  }

  /** Restarts the {@link #timings()} accumulation. */
  public void resetTimings() {
    java.util.Arrays.fill(phaseNanos, 0);
    timedSteps = 0;
  }

  /*
   * The surgery state, from the first gradients when init=grad. A non-finite first gradient cannot start an EMA:
   * under nonfinite=skip the step is skipped (null), otherwise the core's NonFiniteGradientException is raised by
   * running the same method on a throwaway state.
   */
  private SurgeryState initState(FloatBuffer[] gm, FloatBuffer[] ga) {
    SurgeryConfig c = surgery.config();
    if (c.has("init") && c.init() == InitMode.GRAD && !(allFinite(gm) && allFinite(ga))) {
      if (c.nonFinite() == NonFinitePolicy.SKIP) {
        return null;
      }
      GradientSurgery probe = surgery.withThreads(1);
      float[][] scratch = toArrays(gm);
      float[][] zeros = new float[scratch.length][];
      for (int t = 0; t < zeros.length; t++) {
        zeros[t] = new float[scratch[t].length];
      }
      probe.direction(toArrays(gm), toArrays(ga), probe.init(zeros, zeros), scratch); // throws
      throw new IllegalStateException("non-finite first gradient was not rejected by " + surgery);
    }
    return surgery.init(gm, ga); // each EMA from its own gradient

  }

  private static boolean allFinite(FloatBuffer[] b) {
    for (FloatBuffer t : b) {
      int p = t.position();
      for (int i = 0, n = t.remaining(); i < n; i++) {
        if (!Float.isFinite(t.get(p + i))) {
          return false;
        }
      }
    }
    return true;
  }

  private static float[][] toArrays(FloatBuffer[] b) {
    float[][] out = new float[b.length][];
    for (int t = 0; t < b.length; t++) {
      out[t] = new float[b[t].remaining()];
      NativeViews.copy(b[t], out[t]);
    }
    return out;
  }

  private double backward(LossFunction fn, NDManager sm, String which) {
    NDArray loss;
    try (GradientCollector gc = engine.newGradientCollector()) {
      loss = fn.compute(sm);
      if (loss == null) {
        throw new IllegalArgumentException("the " + which + " loss function returned null");
      }
      if (loss.size() != 1) {
        throw new IllegalArgumentException("the " + which + " loss must have exactly one element; it has shape "
            + loss.getShape());
      }
      gc.backward(loss);
    }
    return loss.toArray()[0].doubleValue();
  }

  /**
   * The step's state as checkpoint sections: parameters, optimiser state, surgery state and step count, with the
   * specs of the surgery and the optimiser (checked by {@link #restoreState}). Add sections of your own (data
   * position, RNG) and write them with {@link CheckpointFile#write}.
   */
  public Map<String, byte[]> saveState() {
    return StepCheckpoint.save(steps, surgery, optimiser, binding, state);
  }

  /**
   * Restores {@link #saveState()}: parameters (written into the tensors in place), optimiser, surgery state and
   * step count. Fails with a {@link CheckpointException} if the checkpoint was made with another method, optimiser
   * or parameter layout.
   */
  public void restoreState(Map<String, byte[]> sections) {
    StepCheckpoint.Restored r = StepCheckpoint.restore(sections, surgery, optimiser, binding);
    state = r.state();
    steps = r.steps();
  }

  /** Writes {@link #saveState()} plus {@code extra} sections atomically to {@code file}. */
  public void saveCheckpoint(Path file, Map<String, byte[]> extra) {
    CheckpointFile.write(file, StepCheckpoint.withExtra(saveState(), extra));
  }

  /** Reads and verifies {@code file}, restores this step from it and returns all its sections (yours included). */
  public Map<String, byte[]> loadCheckpoint(Path file) {
    return StepCheckpoint.load(file, this::restoreState);
  }

  /** Copies of the current parameter values, in tensor order. */
  public float[][] parameterValues() {
    return binding.values();
  }

  /** Overwrites the parameter values in place (e.g. a Java-side initialisation), in tensor order. */
  public void setParameterValues(float[][] values) {
    binding.setValues(values);
  }

  /** The parameter store to pass to {@code block.forward} inside loss functions. */
  public ParameterStore parameterStore() {
    return store;
  }

  /** The manager that per-step managers are made from (closed by {@link #close()}). */
  public NDManager manager() {
    return manager;
  }

  /** The parameters, in tensor order. */
  public List<ParameterInfo> parameters() {
    return infos;
  }

  /** Number of floats of each tensor. */
  public int[] sizes() {
    return sizes.clone();
  }

  public GradientSurgery surgery() {
    return surgery;
  }

  public Optimiser optimiser() {
    return optimiser;
  }

  public GradientPath path() {
    return path;
  }

  /** The surgery state; null before the first step. */
  public SurgeryState surgeryState() {
    return state;
  }

  /** Number of steps done (skipped ones included). */
  public long steps() {
    return steps;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }

  @Override
  public String toString() {
    return "TwoLossStep[" + surgery + ", " + optimiser.spec() + ", " + path + ", tensors=" + sizes.length
        + ", parameters=" + binding.parameterCount() + ", steps=" + steps + "]";
  }

  /** Builder of {@link TwoLossStep}. */
  public static final class Builder {
    private final List<Parameter> parameters;
    private GradientSurgery surgery;
    private Optimiser optimiser;
    private GradientPath path = GradientPath.NATIVE;

    private Builder(List<Parameter> parameters) {
      this.parameters = parameters;
    }

    /** The gradient surgery (required), e.g. {@code GradientSurgery.parse("bloop:lambda=0.1,ema=0.01")}. */
    public Builder surgery(GradientSurgery s) {
      this.surgery = s;
      return this;
    }

    /** The base optimiser (required); it is initialised for the parameters' sizes. */
    public Builder optimiser(Optimiser o) {
      this.optimiser = o;
      return this;
    }

    /** {@link GradientPath#NATIVE} (default), {@link GradientPath#GRADIENT_ARRAYS} or {@link GradientPath#ARRAYS}. */
    public Builder path(GradientPath p) {
      if (p == null) {
        throw new IllegalArgumentException("path must not be null");
      }
      this.path = p;
      return this;
    }

    public TwoLossStep build() {
      return new TwoLossStep(this);
    }
  }
}
