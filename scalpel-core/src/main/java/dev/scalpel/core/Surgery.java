package dev.scalpel.core;

import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

/** The one implementation of {@link GradientSurgery}: validation, state creation and the order of a step. */
final class Surgery implements GradientSurgery {
  /** Σ|c|·max|v| at or below this cannot overflow a float combination (rounding included). */
  static final double FLOAT_SAFE = Float.MAX_VALUE * (1 - 0x1.0p-20);
  /** More threads than this would only add hand-offs (each pool keeps threads − 1 daemon workers alive). */
  static final int MAX_THREADS = 256;

  private final SurgeryConfig config;
  private final Rule rule;
  private final int threads;
  private final boolean forceGeneral;
  private final boolean diagnostics;

  Surgery(SurgeryConfig config, int threads, boolean forceGeneral) {
    this(config, threads, forceGeneral, false);
  }

  Surgery(SurgeryConfig config, int threads, boolean forceGeneral, boolean diagnostics) {
    if (config == null) {
      throw new IllegalArgumentException("config must not be null");
    }
    if (threads < 1 || threads > MAX_THREADS) {
      throw new IllegalArgumentException("threads (" + threads + ") must be in [1, " + MAX_THREADS + "]");
    }
    this.config = config;
    this.rule = Rule.of(config);
    this.threads = threads;
    this.forceGeneral = forceGeneral;
    this.diagnostics = diagnostics;
  }

  static int defaultThreads() {
    String p = System.getProperty("scalpel.threads");
    if (p != null) {
      try {
        return Math.max(1, Integer.parseInt(p.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("system property scalpel.threads (" + p + ") must be an integer >= 1");
      }
    }
    return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
  }

  Rule rule() {
    return rule;
  }

  boolean forceGeneral() {
    return forceGeneral;
  }

  boolean diagnostics() {
    return diagnostics;
  }

  @Override
  public GradientSurgery withDiagnostics(boolean on) {
    return new Surgery(config, threads, forceGeneral, on);
  }

  /** The same method on the general k-loss path even for two losses (tests compare it with the fast path). */
  Surgery general() {
    return new Surgery(config, threads, true, diagnostics);
  }

  @Override
  public SurgeryConfig config() {
    return config;
  }

  @Override
  public GradientSurgery withLambda(double lambda) {
    return new Surgery(config.withLambda(lambda), threads, forceGeneral, diagnostics);
  }

  @Override
  public GradientSurgery withThreads(int n) {
    return new Surgery(config, n, forceGeneral, diagnostics);
  }

  @Override
  public int threads() {
    return threads;
  }

  // ---- init

  @Override
  public SurgeryState init(float[][][] gradients) {
    if (gradients == null) {
      throw new IllegalArgumentException("gradients must not be null");
    }
    String[] names = new String[gradients.length];
    for (int i = 0; i < names.length; i++) {
      names[i] = "gradients[" + i + "]";
    }
    return create(gradients, names, "gradients[0]");
  }

  /* names: how errors call each loss's gradient; main: how they call the reference shape. */
  private SurgeryState create(float[][][] gradients, String[] names, String main) {
    int k = gradients.length;
    config.checkLosses(k);
    int[] sizes = Layout.sizesOf(gradients[0], names[0]);
    for (int i = 1; i < k; i++) {
      checkSameShape(sizes, Layout.sizesOf(gradients[i], names[i]), names[i], main);
    }
    Plan plan = new Plan(rule, k, forceGeneral, diagnostics);
    float[][][] streams = new float[plan.streams.length][][];
    for (int s = 0; s < streams.length; s++) {
      streams[s] = initStream(gradients[plan.streams[s]], sizes, s, plan.streams[s]);
    }
    return new SurgeryState(config.toSpec(), config.method(), plan, sizes, streams);
  }

  @Override
  public SurgeryState init(FloatBuffer[][] gradients) {
    if (gradients == null) {
      throw new IllegalArgumentException("gradients must not be null");
    }
    float[][][] copy = new float[gradients.length][][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = copyOf(gradients[i], "gradients[" + i + "]");
    }
    return init(copy);
  }

  @Override
  public SurgeryState init(float[][] template) {
    Layout.sizesOf(template, "init template");
    Plan plan = new Plan(rule, 2, forceGeneral, diagnostics);
    boolean ownAux = false;
    for (int src : plan.streams) {
      ownAux |= src == 1;
    }
    if (ownAux && config.init() == InitMode.GRAD && config.ema() < 1) {
      throw new IllegalArgumentException(config.method().specName() + " keeps an EMA of each gradient and init="
          + "grad starts each from its own gradient: give both (init(gMain, gAux), or init(float[][][]))");
    }
    return create(new float[][][] {template, template}, new String[] {"init template", "init template"},
        "the main template");
  }

  @Override
  public SurgeryState init(float[][] mainTemplate, float[][] auxTemplate) {
    return create(new float[][][] {mainTemplate, auxTemplate}, new String[] {"init template", "init aux template"},
        "the main template");
  }

  @Override
  public SurgeryState init(FloatBuffer[] template) {
    return init(copyOf(template, "init template"));
  }

  @Override
  public SurgeryState init(FloatBuffer[] mainTemplate, FloatBuffer[] auxTemplate) {
    return init(copyOf(mainTemplate, "init template"), copyOf(auxTemplate, "init aux template"));
  }

  private static float[][] copyOf(FloatBuffer[] template, String what) {
    if (template == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    float[][] copy = new float[template.length][];
    for (int t = 0; t < template.length; t++) {
      if (template[t] == null) {
        throw new IllegalArgumentException(what + " tensor " + t + " is null");
      }
      copy[t] = new float[template[t].remaining()];
      template[t].get(template[t].position(), copy[t]);
    }
    return copy;
  }

  /* Stream s (the EMA of gradient src): a copy of it (init=grad), zeros, or normals from SplittableRandom(seed)
     split s times (stream 1 is the two-loss release's pcgrad auxiliary EMA). */
  private float[][] initStream(float[][] template, int[] sizes, int s, int src) {
    float[][] ema = new float[sizes.length][];
    SplittableRandom random = new SplittableRandom(config.seed());
    for (int i = 0; i < s; i++) {
      random = random.split();
    }
    for (int t = 0; t < sizes.length; t++) {
      switch (config.init()) {
        case GRAD -> {
          for (int i = 0; i < sizes[t]; i++) {
            if (!Float.isFinite(template[t][i])) {
              throw new IllegalArgumentException("init=grad: gradient " + src + " tensor " + t + " element " + i
                  + " is " + template[t][i] + "; the EMA must start finite");
            }
          }
          ema[t] = template[t].clone();
        }
        case ZEROS -> ema[t] = new float[sizes[t]];
        case RANDOM -> {
          ema[t] = new float[sizes[t]];
          for (int i = 0; i < sizes[t]; i++) {
            ema[t][i] = (float) random.nextGaussian();
          }
        }
        default -> throw new AssertionError(config.init());
      }
    }
    return ema;
  }

  // ---- direction

  @Override
  public float[][] direction(float[][][] gradients, SurgeryState state) {
    checkState(state);
    float[][] out = new float[state.layout.sizes.length][];
    for (int t = 0; t < out.length; t++) {
      out[t] = new float[state.layout.sizes[t]];
    }
    direction(gradients, state, out);
    return out;
  }

  @Override
  public void direction(float[][][] gradients, SurgeryState state, float[][] out) {
    direction(gradients, state, out, false);
  }

  private void direction(float[][][] gradients, SurgeryState state, float[][] out, boolean twoLossApi) {
    checkState(state);
    checkCount(gradients, state);
    int[] sizes = state.layout.sizes;
    for (int i = 0; i < gradients.length; i++) {
      checkTensors(gradients[i], a -> a.length, sizes, argName(i, twoLossApi));
    }
    checkTensors(out, a -> a.length, sizes, "out");
    state.runner.bind(gradients, out, threads);
    try {
      step(state);
    } finally {
      state.runner.unbind();
    }
  }

  @Override
  public void direction(FloatBuffer[][] gradients, SurgeryState state, FloatBuffer[] out) {
    direction(gradients, state, out, false);
  }

  private void direction(FloatBuffer[][] gradients, SurgeryState state, FloatBuffer[] out, boolean twoLossApi) {
    checkState(state);
    checkCount(gradients, state);
    int[] sizes = state.layout.sizes;
    for (int i = 0; i < gradients.length; i++) {
      checkTensors(gradients[i], FloatBuffer::remaining, sizes, argName(i, twoLossApi));
    }
    checkTensors(out, FloatBuffer::remaining, sizes, "out");
    for (int t = 0; t < out.length; t++) {
      if (out[t].isReadOnly()) {
        throw new IllegalArgumentException("out tensor " + t + " is a read-only buffer");
      }
    }
    state.runner.bind(gradients, out, threads);
    try {
      step(state);
    } finally {
      state.runner.unbind();
    }
  }

  @Override
  public float[][] direction(float[][] gMain, float[][] gAux, SurgeryState state) {
    checkState(state);
    float[][] out = new float[state.layout.sizes.length][];
    for (int t = 0; t < out.length; t++) {
      out[t] = new float[state.layout.sizes[t]];
    }
    direction(new float[][][] {gMain, gAux}, state, out, true);
    return out;
  }

  @Override
  public void direction(float[][] gMain, float[][] gAux, SurgeryState state, float[][] out) {
    direction(new float[][][] {gMain, gAux}, state, out, true);
  }

  @Override
  public void direction(FloatBuffer[] gMain, FloatBuffer[] gAux, SurgeryState state, FloatBuffer[] out) {
    direction(new FloatBuffer[][] {gMain, gAux}, state, out, true);
  }

  private static String argName(int i, boolean twoLossApi) {
    return twoLossApi ? (i == 0 ? "gMain" : "gAux") : "gradients[" + i + "]";
  }

  /* One step: a read-only pass, the small problem, then (only when all is well) the one pass that writes. */
  private void step(SurgeryState state) {
    StepRunner run = state.runner;
    Plan plan = state.plan;
    StepContext x = state.ctx;
    WorkerPool pool = WorkerPool.of(threads);
    run.rho = (float) config.ema();
    run.keep = (float) (1.0 - config.ema());
    // the fused two-loss dots compute only their pairs; with diagnostics the blocked pass computes every pair (the
    // same lane sums, so the very same values for the method's own pairs, and the same direction bit for bit)
    run.runPass(plan.mode == Plan.Mode.FUSED && plan.np > 0 && !plan.diagnostics ? StepRunner.FUSED_DOTS
        : StepRunner.GRAM, pool);

    for (int v = 0; v < plan.m; v++) {
      x.maxAbs[v] = run.reduceMax(plan.np + v);
    }
    for (int v = 0; v < plan.k; v++) {
      if (!Double.isFinite(x.maxAbs[v])) {
        nonFiniteInput(state, v);
        return;
      }
    }
    for (double[] row : x.gram) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    boolean finite = true;
    for (int p = 0; p < plan.np; p++) {
      double value = run.reduce(p);
      x.gram[plan.pa[p]][plan.pb[p]] = value;
      x.gram[plan.pb[p]][plan.pa[p]] = value;
      finite &= Double.isFinite(value);
    }
    for (int v = plan.k; v < plan.m; v++) {
      finite &= Double.isFinite(x.maxAbs[v]);
    }
    if (!finite) { // finite gradients: an EMA update overflowed float
      overflow(state, plan.streams.length == 0 ? "direction" : "EMA of " + name(plan.streams[0], plan.k)
          + (plan.streams.length > 1 ? " or of another gradient" : ""), Double.POSITIVE_INFINITY);
      return;
    }

    x.reset();
    x.step = state.step;
    x.seed = config.seed();
    rule.coefficients(x);
    double bound = 0;
    boolean fast = true;
    for (int v = 0; v < plan.m; v++) {
      double c = x.coef[v];
      if (!Double.isFinite(c)) {
        overflow(state, "coefficient of vector " + v, Math.abs(c));
        return;
      }
      float f = (float) c;
      run.fc[v] = f;
      run.dc[v] = c;
      run.unit[v] = x.unit[v];
      run.norm[v] = Double.isNaN(x.unit[v]) ? 1 : Math.sqrt(x.gram[v][v]);
      fast &= Float.isFinite(f);
      bound += Math.abs(c) * x.maxAbs[v];
    }
    boolean inRange = bound <= FLOAT_SAFE;
    fast &= inRange;
    if (plan.mode == Plan.Mode.PER_COORDINATE) {
      GradDrop drop = (GradDrop) rule;
      run.leak = drop.leaks(plan.k);
      run.seed = config.seed();
      run.step = state.step;
      if (!fast && !inFloatRange(state, StepRunner.DROP_CHECK, pool)) {
        return;
      }
      run.runPass(StepRunner.DROP_WRITE, pool);
    } else if (plan.mode == Plan.Mode.GENERAL) { // formed in double: only the range needs checking
      if (!inRange && !inFloatRange(state, StepRunner.SAFE_CHECK, pool)) {
        return;
      }
      run.runPass(StepRunner.COMBINE, pool);
    } else if (fast) {
      run.runPass(config.method() == Method.MIXED ? StepRunner.MIXED_COMBINE : StepRunner.FUSED_COMBINE, pool);
    } else {
      if (!inFloatRange(state, StepRunner.SAFE_CHECK, pool)) {
        return;
      }
      run.runPass(StepRunner.SAFE_WRITE, pool);
    }
    // commit
    double[] committed = x.methodState;
    x.methodState = x.nextMethodState;
    x.nextMethodState = committed;
    System.arraycopy(x.coef, 0, state.lastWeights, 0, plan.k);
    if (plan.mode == Plan.Mode.PER_COORDINATE) { // GradDrop's masks are per coordinate: no global weights
      java.util.Arrays.fill(state.lastWeights, Double.NaN);
    }
    if (config.ema() == 1.0) { // each stream is then its gradient itself: its coefficient is that gradient's
      for (int s = 0; s < plan.streams.length; s++) {
        state.lastWeights[plan.streams[s]] += x.coef[plan.k + s];
      }
    }
    if (plan.diagnostics) {
      state.lastDiagnostics = Diagnostics.of(plan, x.gram, x.coef);
    }
    state.lastRatio = x.ratio;
    state.lastRatioAux = x.ratioAux;
    state.lastStatus = x.status;
    state.step++;
    state.lastSkipped = false;
  }

  /**
   * Runs a read-only pass that finds the largest |d| in double; false (after reporting the method's overflow)
   * when the direction is not finite in float.
   */
  private boolean inFloatRange(SurgeryState state, int checkPass, WorkerPool pool) {
    state.runner.runPass(checkPass, pool);
    double max = state.runner.reduceMax(0);
    if (!(Math.abs((float) max) <= Float.MAX_VALUE)) { // infinite, or NaN (coefficients near the double limit)
      overflow(state, "direction", max);
      return false;
    }
    return true;
  }

  /** g_main / g_aux for two losses (as the two-loss release named them), g_i otherwise. */
  static String name(int i, int k) {
    if (k == 2) {
      return i == 0 ? "g_main" : "g_aux";
    }
    return "g_" + i;
  }

  private void nonFiniteInput(SurgeryState state, int v) {
    StepRunner run = state.runner;
    int tensor = -1;
    int index = -1;
    for (int t = 0; t < state.layout.sizes.length && index < 0; t++) {
      index = run.firstNonFinite(v, t);
      tensor = t;
    }
    float value = index >= 0 ? run.valueAt(v, tensor, index) : Float.NaN;
    if (config.nonFinite() == NonFinitePolicy.SKIP) {
      skip(state);
      return;
    }
    throw new NonFiniteGradientException(state.step, name(v, state.plan.k), tensor, index, value);
  }

  private void overflow(SurgeryState state, String what, double magnitude) {
    if (config.nonFinite() == NonFinitePolicy.SKIP) {
      skip(state);
      return;
    }
    throw new DirectionOverflowException(config.method().specName(), state.step, what, magnitude);
  }

  private static void skip(SurgeryState state) {
    state.runner.zeroOut();
    state.skipped++;
    state.lastSkipped = true;
  }

  private void checkState(SurgeryState state) {
    if (state == null) {
      throw new IllegalArgumentException("state must not be null; create it with init(...)");
    }
    if (state.method != config.method()) {
      throw new IllegalArgumentException("state belongs to " + state.method.specName() + ", not to "
          + config.method().specName());
    }
    int k = state.plan.k;
    try {
      config.checkLosses(k);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("state was made for " + k + " losses (" + state.spec + "); "
          + e.getMessage(), e);
    }
    if (!java.util.Arrays.equals(rule.streams(k), state.plan.streams)
        || rule.methodStateSize(k) != state.plan.methodStateSize) {
      throw new IllegalArgumentException("state was made for " + state.spec + " (EMA streams of gradients "
          + java.util.Arrays.toString(state.plan.streams) + "); " + config.toSpec() + " keeps "
          + java.util.Arrays.toString(rule.streams(k)) + ": init a new state");
    }
  }

  private static void checkCount(Object[] gradients, SurgeryState state) {
    if (gradients == null) {
      throw new IllegalArgumentException("gradients must not be null");
    }
    if (gradients.length != state.plan.k) {
      throw new IllegalArgumentException("gradients has " + gradients.length + " losses, the state was made for "
          + state.plan.k);
    }
  }

  /** Non-null, as many tensors as the state, each of the state's size (both sizes in the message). */
  private static <T> void checkTensors(T[] x, ToIntFunction<T> length, int[] sizes, String what) {
    if (x == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (x.length != sizes.length) {
      throw new IllegalArgumentException(what + " has " + x.length + " tensors, the state has " + sizes.length);
    }
    for (int t = 0; t < sizes.length; t++) {
      if (x[t] == null) {
        throw new IllegalArgumentException(what + " tensor " + t + " is null");
      }
      int n = length.applyAsInt(x[t]);
      if (n != sizes[t]) {
        throw new IllegalArgumentException(what + " tensor " + t + " has " + n + " floats, the state expects "
            + sizes[t]);
      }
    }
  }

  private static void checkSameShape(int[] sizes, int[] other, String what, String main) {
    if (other.length != sizes.length) {
      throw new IllegalArgumentException(what + " has " + other.length + " tensors, " + main + " has "
          + sizes.length);
    }
    for (int t = 0; t < sizes.length; t++) {
      if (other[t] != sizes[t]) {
        throw new IllegalArgumentException(what + " tensor " + t + " has " + other[t] + " floats, " + main
            + "'s has " + sizes[t]);
      }
    }
  }

  @Override
  public SurgeryState restore(InputStream snapshot, int[] sizes) {
    if (snapshot == null) {
      throw new IllegalArgumentException("snapshot stream must not be null");
    }
    return Snapshots.read(snapshot, this, sizes);
  }

  @Override
  public SurgeryState restore(byte[] snapshot, int[] sizes) {
    if (snapshot == null) {
      throw new IllegalArgumentException("snapshot must not be null");
    }
    return Snapshots.read(snapshot, this, sizes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Surgery other && other.config.equals(config);
  }

  @Override
  public int hashCode() {
    return config.hashCode();
  }

  @Override
  public String toString() {
    return config.toSpec();
  }
}
