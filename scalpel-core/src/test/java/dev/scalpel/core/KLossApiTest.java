package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The k-loss API: λ vectors, number-of-losses errors, keys that change nothing, streams, k-loss snapshots. */
class KLossApiTest {

  static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  static void assertMentions(String m, String... parts) {
    for (String p : parts) {
      assertTrue(m.contains(p), "'" + m + "' should mention '" + p + "'");
    }
  }

  static float[][][] g(int k) {
    Random rnd = new Random(k);
    float[][][] g = new float[k][][];
    for (int i = 0; i < k; i++) {
      g[i] = T.gaussian(rnd, new int[] {5, 3}, 1);
    }
    return g;
  }

  @Test
  void lambdaVectorsGiveOneValuePerAuxiliaryLoss() {
    SurgeryConfig c = SurgeryConfig.parse("bloop:lambda=0.1/0.01,ema=0.5");
    assertEquals("bloop:lambda=0.1/0.01,ema=0.5,init=grad,seed=0,rescale=false,ratio-only=false,eps=1.0E-7,"
        + "nonfinite=throw", c.toSpec());
    assertEquals(c, SurgeryConfig.parse(c.toSpec()));
    assertEquals(3, c.fixedLosses());
    assertArrayEquals(new double[] {0.1, 0.01}, c.lambdas());
    assertEquals(0.1, c.lambda());
    assertEquals(1 / 1.11, SurgeryConfig.parse("mixed:lambda=0.1/0.01,rescale=true").scale(3), 1e-15);
    // mixed with a λ vector: d = g0 + 0.1 g1 + 0.01 g2
    float[][][] g = g(3);
    GradientSurgery m = GradientSurgery.parse("mixed:lambda=0.1/0.01");
    float[][] d = m.direction(g, m.init(g));
    for (int t = 0; t < 2; t++) {
      for (int i = 0; i < d[t].length; i++) {
        assertEquals(g[0][t][i] + 0.1 * g[1][t][i] + 0.01 * g[2][t][i], d[t][i], 1e-6);
      }
    }
  }

  @Test
  void aMethodThatNeedsAFixedNumberOfLossesSaysSo() {
    assertMentions(error(() -> GradientSurgery.parse("bloop:lambda=0.1/0.01").init(g(4))), "takes 3 losses",
        "lambda has one value per auxiliary loss (0.1/0.01)", "got 4");
    assertMentions(error(() -> GradientSurgery.parse("constant:weights=1/2").init(g(3))), "takes 2 losses",
        "weights has one value per loss (1/2)", "got 3");
    assertMentions(error(() -> GradientSurgery.parse("upgrad:pref=1/2/3").init(g(2))), "takes 3 losses", "got 2");
    assertMentions(error(() -> GradientSurgery.parse("graddrop:leak=0.1/0.2").init(g(3))), "takes 2 losses");
    assertMentions(error(() -> GradientSurgery.parse("bloop:ratio-only=true").init(g(3))),
        "ratio-only is defined for exactly 2 losses", "got 3");
    assertMentions(error(() -> GradientSurgery.parse("pcgrad").init(g(1))), "pcgrad needs at least 2 losses",
        "got 1");
    assertMentions(error(() -> GradientSurgery.parse("constant")), "constant needs weights");
    assertMentions(error(() -> GradientSurgery.parse("upgrad").withLambda(1)), "upgrad has no key 'lambda'");
    assertMentions(error(() -> SurgeryConfig.parse("upgrad:lambda=1")), "unknown key 'lambda'", "method upgrad",
        "allowed keys: pref, reg, nonfinite");
    assertMentions(error(() -> SurgeryConfig.parse("cagrad:c=-1")), "c (-1)", "[0, 1000000]");
    assertMentions(error(() -> SurgeryConfig.parse("mgda:normalization=loss")), "normalization (loss)",
        "none, l2, l2-weights");
    // and the direction call checks the count against the state
    GradientSurgery b = GradientSurgery.parse("bloop");
    SurgeryState st = b.init(g(3));
    assertMentions(error(() -> b.direction(g(4), st)), "gradients has 4 losses", "made for 3");
    assertMentions(error(() -> b.direction(g(3)[0], g(3)[1], st)), "gradients has 2 losses", "made for 3");
  }

  @Test
  void keysThatChangeNothingDoNotMakeEqualMethodsUnequal() {
    assertEquals(SurgeryConfig.parse("bloop"), SurgeryConfig.parse("bloop:seed=5"), "seed with init=grad");
    assertEquals(SurgeryConfig.parse("bloop:init=zeros"), SurgeryConfig.parse("bloop:init=zeros,seed=9"));
    assertEquals(SurgeryConfig.parse("bloop:ema=1"), SurgeryConfig.parse("bloop:ema=1,init=random,seed=3"),
        "init and seed with ema=1");
    assertEquals(SurgeryConfig.parse("dynamic-barrier:ema=1"),
        SurgeryConfig.parse("dynamic-barrier:ema=1,init=zeros"));
    assertNotEquals(SurgeryConfig.parse("bloop:init=random"), SurgeryConfig.parse("bloop:init=random,seed=3"));
    assertNotEquals(SurgeryConfig.parse("pcgrad:ema=1"), SurgeryConfig.parse("pcgrad:ema=1,seed=3"),
        "pcgrad's seed draws its projection order for k ≥ 3");
    assertEquals(GradientSurgery.parse("bloop:seed=5"), GradientSurgery.parse("bloop"));
  }

  @Test
  void theOneTemplateInitCannotSeedPcgradsAuxiliaryEmaWithTheMainGradient() {
    float[][] gm = g(1)[0];
    assertMentions(error(() -> GradientSurgery.parse("pcgrad").init(gm)), "keeps an EMA of each gradient",
        "init(gMain, gAux)");
    // where the template only gives the shape, it is fine
    GradientSurgery.parse("pcgrad:init=zeros").init(gm);
    GradientSurgery.parse("pcgrad:ema=1").init(gm);
    GradientSurgery.parse("bloop").init(gm);
    // and each EMA starts from its own gradient with k losses
    float[][][] g = g(3);
    SurgeryState st = GradientSurgery.parse("pcgrad:ema=0.5").init(g);
    assertEquals(3, st.streamCount());
    for (int s = 0; s < 3; s++) {
      assertEquals(s, st.streamSource(s));
      assertArrayEquals(g[s][1], st.stream(s, 1));
    }
    SurgeryState bl = GradientSurgery.parse("bloop:ema=0.5").init(g);
    assertEquals(2, bl.streamCount(), "bloop keeps the EMAs of the higher-priority gradients g_0, g_1");
    assertEquals(0, GradientSurgery.parse("bloop:ema=1").init(g).streamCount(), "none without averaging");
    assertEquals(0, GradientSurgery.parse("upgrad").init(g).streamCount());
  }

  @Test
  void kLossSnapshotsRecordTheLossesAndRefuseAnotherLayout() {
    float[][][] g = g(3);
    GradientSurgery s = GradientSurgery.parse("bloop:lambda=0.3/0.1,ema=0.5");
    SurgeryState st = s.init(g);
    s.direction(g, st);
    byte[] snap = st.snapshot();
    SurgeryState back = GradientSurgery.parse("bloop:ema=0.2").restore(snap, null); // any λ, same layout
    assertEquals(3, back.lossCount());
    assertMentions(error(() -> GradientSurgery.parse("bloop:lambda=0.1/0.1/0.1,ema=0.5").restore(snap, null)),
        "takes 4 losses", "got 3");
    assertMentions(error(() -> GradientSurgery.parse("bloop:ema=1").restore(snap, null)),
        "holds 2 EMA stream(s) of gradients [0, 1]", "keeps 0");
    // GradVac's cosine targets are method state: restored with the snapshot
    GradientSurgery gv = GradientSurgery.parse("gradvac");
    SurgeryState v = gv.init(g);
    gv.direction(g, v);
    assertArrayEquals(v.ctx.methodState, gv.restore(v.snapshot(), null).ctx.methodState);
    assertTrue(java.util.Arrays.stream(v.ctx.methodState).anyMatch(x -> x != 0), "the targets moved");
  }

  @Test
  void statusReportsWhatTheSolverFound() {
    GradientSurgery nash = GradientSurgery.parse("nash-mtl");
    float[][][] opposite = {{{1, 2}}, {{-1, -2}}}; // Pareto-stationary: no bargaining solution
    SurgeryState st = nash.init(opposite);
    assertArrayEquals(new float[] {0, 0}, nash.direction(opposite, st)[0]);
    assertMentions(st.lastStatus(), "Pareto-stationary", "d = 0");
    float[][][] fine = {{{1, 2}}, {{2, 1}}};
    nash.direction(fine, st);
    assertEquals("", st.lastStatus());
    // IMTL-G: a Jacobian whose weights sum to a negative number is reported (found by search; 1% of 3×4 ones)
    Random rnd = new Random(1);
    GradientSurgery imtl = GradientSurgery.parse("imtl-g");
    int conflicting = 0;
    for (int trial = 0; trial < 2000 && conflicting == 0; trial++) {
      float[][][] gg = K.gradients(K.random(rnd, 3, 4, 1));
      SurgeryState s = imtl.init(gg);
      float[] d = imtl.direction(gg, s)[0];
      if (!s.lastStatus().isEmpty()) {
        conflicting++;
        assertMentions(s.lastStatus(), "conflicts with every loss");
        for (int i = 0; i < 3; i++) {
          double dot = 0;
          for (int q = 0; q < 4; q++) {
            dot += (double) gg[i][0][q] * d[q];
          }
          assertTrue(dot < 0, "it really does conflict with loss " + i);
        }
      }
    }
    assertEquals(1, conflicting, "a conflicting IMTL-G case exists among random 3×4 Jacobians");
  }

  /** Found by a new user: the problems below each have a test. */
  @Test
  void aStateIsCheckedAgainstTheConfigurationThatUsesIt() {
    float[][][] g = g(3);
    SurgeryState noEma = GradientSurgery.parse("bloop:ema=1").init(g);
    assertMentions(error(() -> GradientSurgery.parse("bloop:ema=0.1").direction(g, noEma)),
        "state was made for bloop:lambda=0.1,ema=1", "keeps [0, 1]", "init a new state");
    SurgeryState three = GradientSurgery.parse("constant:weights=1/2/3").init(g);
    assertMentions(error(() -> GradientSurgery.parse("constant:weights=1/2").direction(g, three)),
        "state was made for 3 losses", "takes 2 losses");
    SurgeryState lam = GradientSurgery.parse("bloop:lambda=0.1/0.2").init(g);
    assertMentions(error(() -> GradientSurgery.parse("bloop:lambda=0.1/0.2/0.3").direction(g, lam)),
        "takes 4 losses", "got 3");
  }

  @Test
  void specsAreStrict() {
    assertMentions(error(() -> SurgeryConfig.parse("bloop:ratio-only=true,lambda=0.1/0.2")),
        "ratio-only is defined for exactly 2 losses", "lambda (0.1/0.2)");
    assertMentions(error(() -> SurgeryConfig.parse("cagrad:rescale=3")), "rescale (3)", "0, 1, 2");
    assertMentions(error(() -> SurgeryConfig.parse("bloop:lambda=1f")), "lambda (1f) must be a number");
    assertMentions(error(() -> SurgeryConfig.parse("bloop:lambda=0x1p3")), "must be a number");
    assertMentions(error(() -> SurgeryConfig.parse("bloop:lambda=0.1/")), "lambda (0.1/) must be a number",
        "'' is not");
    assertMentions(error(() -> GradientSurgery.parse("mean").init(new float[0][][])), "at least 1 loss,");
    assertMentions(error(() -> SurgeryConfig.parse("constant:weights=1/NaN")), "(-inf, inf)");
    assertEquals(SurgeryConfig.parse("cagrad:rescale=0"), SurgeryConfig.parse("cagrad"));
  }

  @Test
  void absurdWeightsOverflowLoudlyNeverSilently() {
    float[][][] g = g(3);
    for (String spec : new String[] {"upgrad:pref=1e308", "dualproj:pref=1e308", "constant:weights=1e308",
        "constant:weights=1.7976931348623157E308", "mixed:lambda=1.7976931348623157E308"}) {
      GradientSurgery s = GradientSurgery.parse(spec);
      SurgeryState st = s.init(g);
      assertThrows(DirectionOverflowException.class, () -> s.direction(g, st), spec);
    }
    GradientSurgery two = GradientSurgery.parse("constant:weights=1.7976931348623157E308");
    float[][][] g2 = {g[0], g[1]};
    assertThrows(DirectionOverflowException.class, () -> two.direction(g2, two.init(g2)));
  }

  /** IMTL-G on linearly dependent gradients no longer returns a step against a loss (g1 ≈ −2 g0). */
  @Test
  void imtlGOnDependentGradientsDoesNotPointAgainstALoss() {
    GradientSurgery s = GradientSurgery.parse("imtl-g");
    float[][][] g = {{{1, 0}}, {{-2, 1e-9f}}};
    SurgeryState st = s.init(g);
    assertArrayEquals(new float[] {0, 0}, s.direction(g, st)[0]);
    assertMentions(st.lastStatus(), "linearly dependent", "d = 0");
    float[][][] dup = {{{1, 2, 0}}, {{0.5f, -1, 3}}, {{0.5f, -1, 3}}}; // dependent but consistent: regular
    SurgeryState st2 = s.init(dup);
    float[] d = s.direction(dup, st2)[0];
    assertEquals("", st2.lastStatus());
    assertTrue(d[0] != 0 || d[1] != 0 || d[2] != 0);
  }

  /** Inputs a new user found failing (float bits in test resources), each solved or reported. */
  @Test
  void hardInputsAreSolvedOrReported() throws java.io.IOException {
    String[][] cases = {{"cagrad.txt", "cagrad", "Pareto-stationary"}, {"cagrad_c_1.txt", "cagrad:c=1",
        "Pareto-stationary"}, {"mgda_normalization_l2.txt", "mgda:normalization=l2", ""}};
    for (String[] c : cases) {
      float[][][] g = load("hard/" + c[0]);
      GradientSurgery s = GradientSurgery.parse(c[1]);
      SurgeryState st = s.init(g);
      float[] d = s.direction(g, st)[0];
      for (float v : d) {
        assertTrue(Float.isFinite(v), c[1]);
      }
      assertTrue(st.lastStatus().contains(c[2]), c[1] + ": " + st.lastStatus());
    }
  }

  static float[][][] load(String resource) throws java.io.IOException {
    try (java.io.InputStream in = KLossApiTest.class.getResourceAsStream(resource)) {
      String[] lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim().split("\n");
      float[][][] g = new float[lines.length][1][];
      for (int i = 0; i < lines.length; i++) {
        String[] p = lines[i].trim().split(" ");
        g[i][0] = new float[p.length];
        for (int j = 0; j < p.length; j++) {
          g[i][0][j] = Float.intBitsToFloat(Integer.parseInt(p[j]));
        }
      }
      return g;
    }
  }

  /** A snapshot written into a stream followed by more data restores, leaving the rest unread. */
  @Test
  void aSnapshotIsReadToItsDeclaredLengthFromAStream() throws java.io.IOException {
    GradientSurgery s = GradientSurgery.parse("pcgrad:ema=0.5");
    float[][][] g = g(3);
    SurgeryState st = s.init(g);
    s.direction(g, st);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    st.writeSnapshot(out);
    out.write(new byte[] {1, 2, 3});
    java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(out.toByteArray());
    assertEquals(1, s.restore(in, null).step());
    assertEquals(1, in.read(), "the bytes after the snapshot are left for the caller");
  }
}
