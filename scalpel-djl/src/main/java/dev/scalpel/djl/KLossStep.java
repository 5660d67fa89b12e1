package dev.scalpel.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.InitMode;
import dev.scalpel.core.NonFinitePolicy;
import dev.scalpel.core.SurgeryConfig;
import dev.scalpel.core.SurgeryState;
import dev.scalpel.train.checkpoint.CheckpointException;
import dev.scalpel.train.checkpoint.CheckpointFile;
import dev.scalpel.train.optim.Optimiser;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training step with k losses for any DJL {@link Block} on the CPU, in three phases that can be called
 * separately (a data-parallel driver or gradient accumulation calls them one by one):
 * <ol>
 *   <li>{@link #gradients}: the k gradients into Java arrays — the autograd losses from one {@link Losses} call
 *       (one forward for a shared trunk with k heads, then k backward passes through the kept graph; or one forward
 *       per loss on its own batch), then the {@link AnalyticLoss}es computed in Java;</li>
 *   <li>{@link #aggregate}: the {@link GradientSurgery} (any method of scalpel-core, any k) writes the direction over
 *       the main loss's gradient;</li>
 *   <li>{@link #apply}: the {@link Optimiser} moves the parameter tensors in place through direct views.</li>
 * </ol>
 *
 * <pre>{@code
 * try (KLossStep step = KLossStep.builder(model).surgery(GradientSurgery.parse("bloop:lambda=0.1,ema=0.01"))
 *          .optimiser(Adam.withLearningRate(1e-3)).build()) {
 *   KStepResult r = step.step(m -> {             // one forward, two heads, two backward passes
 *     NDList out = model.forward(step.parameterStore(), new NDList(m.create(x, shape)), true);
 *     return new NDList(loss.evaluate(yMain(m), new NDList(out.get(0))), loss.evaluate(yAux(m), new NDList(out.get(1))));
 *   });
 * }
 * }</pre>
 *
 * <p>Every parameter has its own gradient storage (one that no loss reaches gets a zero gradient), frozen
 * parameters are refused. Losses are in priority order: the autograd ones first, then the analytic ones. Threads,
 * determinism and checkpoints as {@link TwoLossStep} (same checkpoint sections and format). Not thread-safe; only
 * one DJL gradient collection may be open at a time in the process. PyTorch engine only (the k backward passes
 * keep the graph through {@code JniUtils.backward}).
 */
public final class KLossStep implements AutoCloseable {
  private final ParameterBinding binding;
  private final GradientSurgery surgery;
  private final Optimiser optimiser;
  private final NDManager manager;
  private final ParameterStore store;
  private final Set<AnalyticLoss> bound = Collections.newSetFromMap(new IdentityHashMap<>());
  private Gradients gradients;
  private FloatBuffer[] direction;
  private SurgeryState state;
  private long steps;
  private boolean closed;

  private KLossStep(Builder b) {
    this.binding = new ParameterBinding(b.parameters);
    if (b.surgery == null) {
      throw new IllegalArgumentException("a GradientSurgery is required: builder.surgery(...)");
    }
    if (b.optimiser == null) {
      throw new IllegalArgumentException("an Optimiser is required: builder.optimiser(...)");
    }
    this.surgery = b.surgery;
    this.optimiser = b.optimiser;
    this.manager = binding.engine.newBaseManager(Device.cpu());
    this.store = new ParameterStore(manager, false);
    binding.bind();
    optimiser.init(binding.sizes);
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

  /** A builder over the given parameters (initialised, float32, on the CPU, trainable), in this order. */
  public static Builder builder(List<Parameter> parameters) {
    return new Builder(new ArrayList<>(parameters));
  }

  /** One whole step: {@link #gradients}, {@link #aggregate}, {@link #apply}. */
  public KStepResult step(Losses autograd, AnalyticLoss... analytic) {
    return finish(gradients(autograd, analytic));
  }

  /**
   * Phases 2 and 3 and the step count: {@link #aggregate}, then {@link #apply} unless the surgery skipped the step —
   * what {@link #step} does after {@link #gradients}. For gradients filled by the caller (see
   * {@link #emptyGradients}) this is the rest of a whole step, counted like one.
   */
  public KStepResult finish(Gradients g) {
    boolean skipped = !aggregate(g);
    if (!skipped) {
      apply(g);
    }
    steps++;
    return new KStepResult(steps, g.losses, skipped, state == null ? Double.NaN : state.lastRatio());
  }

  /**
   * Phase 1 for gradients computed elsewhere — on data-parallel workers, or over micro-batches — : this step's
   * buffer for {@code k} losses, every gradient and loss value zero, for the caller to fill (e.g. with the mean of
   * the workers' gradients) before {@link #finish} or {@link #aggregate}. The same buffer {@link #gradients}
   * returns; the sizes are {@link #sizes()}.
   *
   * @throws IllegalArgumentException when k is below 1, or differs from the losses the step was started with
   */
  public Gradients emptyGradients(int k) {
    checkOpen();
    if (k < 1) {
      throw new IllegalArgumentException("losses (" + k + ") must be >= 1");
    }
    Gradients g = buffers(k);
    for (float[][] loss : g.values) {
      zero(loss);
    }
    java.util.Arrays.fill(g.losses, 0);
    g.aggregated = false;
    g.skipped = false;
    return g;
  }

  /**
   * Phase 1: the gradients of the autograd losses ({@code autograd} may be null when every loss is analytic) and of
   * the analytic ones, in that order, at the current parameters. The returned object is reused by the next call.
   */
  public Gradients gradients(Losses autograd, AnalyticLoss... analytic) {
    checkOpen();
    binding.bind();
    int na = analytic == null ? 0 : analytic.length;
    try (NDManager sm = manager.newSubManager()) {
      NDList ls = null;
      int nl = 0;
      try (GradientCollector gc = binding.engine.newGradientCollector()) {
        if (autograd != null) {
          ls = autograd.compute(sm);
          if (ls == null || ls.isEmpty()) {
            throw new IllegalArgumentException("the losses function returned no loss");
          }
          nl = ls.size();
        }
        if (nl == 0 && na == 0) {
          throw new IllegalArgumentException("no loss given: pass autograd losses, analytic ones, or both");
        }
        Gradients g = buffers(nl + na);
        for (int i = 0; i < nl; i++) {
          NDArray loss = ls.get(i);
          if (loss.size() != 1) {
            throw new IllegalArgumentException("loss " + i + " must have exactly one element; it has shape "
                + loss.getShape());
          }
          binding.zeroGradients();
          try (NDArray ones = loss.onesLike()) {
            // keep the graph for the next loss's backward pass (a shared trunk is traversed once per loss)
            JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, i < nl - 1, false);
          }
          binding.copyGradients(g.values[i]);
          g.losses[i] = loss.toArray()[0].doubleValue();
        }
      }
      Gradients g = gradients;
      for (int j = 0; j < na; j++) {
        AnalyticLoss al = analytic[j];
        if (al == null) {
          throw new IllegalArgumentException("analytic loss " + j + " is null");
        }
        if (bound.add(al)) {
          al.bind(binding.infos);
        }
        for (FloatBuffer v : binding.paramReadOnly) {
          v.rewind();
        }
        g.losses[nl + j] = al.valueAndGradient(binding.paramReadOnly, g.values[nl + j]);
      }
      g.aggregated = false;
      g.skipped = false;
      return g;
    }
  }

  private Gradients buffers(int k) {
    if (gradients == null || gradients.losses() != k) {
      if (state != null && state.lossCount() != k) {
        throw new IllegalArgumentException(k + " losses given, the step was started with " + state.lossCount());
      }
      gradients = new Gradients(k, binding.sizes);
      direction = new FloatBuffer[binding.sizes.length];
      for (int t = 0; t < direction.length; t++) {
        direction[t] = FloatBuffer.wrap(gradients.values[0][t]);
      }
    }
    return gradients;
  }

  /**
   * Phase 2: the surgery's direction over {@code g}'s first gradient. Returns false when the surgery skipped the
   * step (non-finite gradient or overflow under {@code nonfinite=skip}; the direction is then zero and
   * {@link #apply} must not be called). The surgery state starts at the first call (EMAs from these gradients).
   */
  public boolean aggregate(Gradients g) {
    checkOpen();
    if (g != gradients) {
      throw new IllegalArgumentException("these gradients were not made by this step's gradients(...)");
    }
    if (g.aggregated) {
      throw new IllegalStateException("these gradients were aggregated already; compute new ones");
    }
    if (state == null) {
      state = initState(g.values);
      if (state == null) { // a non-finite first gradient under nonfinite=skip: nothing to start the EMAs from
        zero(g.values[0]);
        g.aggregated = true;
        g.skipped = true;
        return false;
      }
    }
    surgery.direction(g.values, state, g.values[0]);
    g.aggregated = true;
    g.skipped = state.lastStepSkipped();
    return !g.skipped;
  }

  /** Phase 3: the optimiser's update of the parameters (in place) with the aggregated direction. */
  public void apply(Gradients g) {
    checkOpen();
    if (g != gradients || !g.aggregated) {
      throw new IllegalStateException("apply needs this step's gradients after aggregate(...)");
    }
    if (g.skipped) {
      throw new IllegalStateException("the surgery skipped this step: there is nothing to apply");
    }
    binding.bind();
    optimiser.updateInPlace(binding.paramViews, direction);
  }

  /*
   * The surgery state from the first gradients. A non-finite first gradient cannot start an EMA (init=grad): under
   * nonfinite=skip the step is skipped (null), otherwise the core's NonFiniteGradientException is raised by running
   * the same method on a throwaway state started from zeros.
   */
  private SurgeryState initState(float[][][] g) {
    SurgeryConfig c = surgery.config();
    if (c.has("init") && c.init() == InitMode.GRAD && !allFinite(g)) {
      if (c.nonFinite() == NonFinitePolicy.SKIP) {
        return null;
      }
      float[][][] zeros = new float[g.length][binding.sizes.length][];
      for (int i = 0; i < g.length; i++) {
        for (int t = 0; t < binding.sizes.length; t++) {
          zeros[i][t] = new float[binding.sizes[t]];
        }
      }
      GradientSurgery probe = surgery.withThreads(1);
      probe.direction(g, probe.init(zeros), zeros[0]); // throws the core's NonFiniteGradientException
      throw new IllegalStateException("non-finite first gradient was not rejected by " + surgery);
    }
    return surgery.init(g);
  }

  private static boolean allFinite(float[][][] g) {
    for (float[][] loss : g) {
      for (float[] t : loss) {
        for (float v : t) {
          if (!Float.isFinite(v)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static void zero(float[][] x) {
    for (float[] t : x) {
      java.util.Arrays.fill(t, 0f);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this KLossStep is closed");
    }
  }

  /** The step's state as checkpoint sections (the format of {@link TwoLossStep#saveState()}). */
  public Map<String, byte[]> saveState() {
    return StepCheckpoint.save(steps, surgery, optimiser, binding, state);
  }

  /**
   * Restores {@link #saveState()}: parameters (in place), optimiser, surgery state, step count. A
   * {@link CheckpointException} says what does not match (method, optimiser, parameter layout).
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

  /** Overwrites the parameter values in place, in tensor order. */
  public void setParameterValues(float[][] values) {
    binding.setValues(values);
  }

  /** The parameter store to pass to {@code block.forward} inside loss functions. */
  public ParameterStore parameterStore() {
    return store;
  }

  /** The parameters, in tensor order. */
  public List<ParameterInfo> parameters() {
    return binding.infos;
  }

  /** Number of floats of each tensor. */
  public int[] sizes() {
    return binding.sizes.clone();
  }

  public GradientSurgery surgery() {
    return surgery;
  }

  public Optimiser optimiser() {
    return optimiser;
  }

  /** The surgery state; null before the first aggregation. */
  public SurgeryState surgeryState() {
    return state;
  }

  /** Number of whole steps done (skipped ones included). */
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
    return "KLossStep[" + surgery + ", " + optimiser.spec() + ", tensors=" + binding.sizes.length + ", parameters="
        + binding.parameterCount() + ", steps=" + steps + "]";
  }

  /** Builder of {@link KLossStep}. */
  public static final class Builder {
    private final List<Parameter> parameters;
    private GradientSurgery surgery;
    private Optimiser optimiser;

    private Builder(List<Parameter> parameters) {
      this.parameters = parameters;
    }

    /** The gradient surgery (required), e.g. {@code GradientSurgery.parse("upgrad")}. */
    public Builder surgery(GradientSurgery s) {
      this.surgery = s;
      return this;
    }

    /** The base optimiser (required); it is initialised for the parameters' sizes. */
    public Builder optimiser(Optimiser o) {
      this.optimiser = o;
      return this;
    }

    public KLossStep build() {
      return new KLossStep(this);
    }
  }
}
