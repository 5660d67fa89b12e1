package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Spec parsing: defaults, every error message, and the canonical spec's round trip. */
class SurgeryConfigTest {

  static String error(String spec) {
    return assertThrows(IllegalArgumentException.class, () -> SurgeryConfig.parse(spec)).getMessage();
  }

  static void assertMentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "message '" + message + "' should mention '" + p + "'");
    }
  }

  @Test
  void defaultsFollowTheReference() {
    SurgeryConfig c = SurgeryConfig.parse("bloop");
    assertEquals(SurgeryConfig.of(Method.BLOOP, 0.1, 0.1, InitMode.GRAD, 0, false, false, 1e-7,
        NonFinitePolicy.THROW), c);
    assertEquals(SurgeryConfig.defaults(Method.BLOOP), c);
    assertEquals(1.0, c.scale());
    for (Method m : Method.values()) {
      String spec = m == Method.CONSTANT ? "constant:weights=1" : m.specName();
      assertEquals(m, SurgeryConfig.parse(spec).method());
      assertEquals(m, Method.fromSpecName(m.toString()));
    }
  }

  @Test
  void everyKeyIsRead() {
    SurgeryConfig c = SurgeryConfig.parse(" bloop : lambda = 0.5 , ema=0.01,init=zeros,seed=-42,rescale=true,"
        + "ratio-only=true,eps=1e-9,nonfinite=skip ");
    assertEquals(SurgeryConfig.of(Method.BLOOP, 0.5, 0.01, InitMode.ZEROS, -42, true, true, 1e-9,
        NonFinitePolicy.SKIP), c);
    assertEquals(1 / 1.5, c.scale(), 1e-15);
    assertEquals(InitMode.GRAD, SurgeryConfig.parse("pcgrad:init=gradients").init(), "the README's spelling");
    assertEquals(InitMode.RANDOM, SurgeryConfig.parse("pcgrad:init=random").init());
    assertEquals(SurgeryConfig.parse("dynamic-barrier:lambda=2,init=zeros,rescale=true"),
        SurgeryConfig.parse("DYNAMIC-BARRIER:Lambda=2,INIT=Zeros,rescale=TRUE"), "names and values ignore case");
  }

  @Test
  void unknownMethod() {
    assertMentions(error("blop:lambda=1"), "unknown method 'blop'", "mixed, bloop, dynamic-barrier, pcgrad, mean",
        "upgrad", "graddrop");
    assertMentions(error(""), "empty method spec", "mixed, bloop, dynamic-barrier, pcgrad");
    assertMentions(error("   "), "empty method spec");
    assertMentions(error(null), "empty method spec");
  }

  @Test
  void unknownKeyNamesTheKeyAndTheAllowedOnes() {
    assertMentions(error("bloop:lambda=1,momentum=0.9"), "unknown key 'momentum'", "method bloop",
        "allowed keys: lambda, ema, init, seed, rescale, ratio-only, eps, nonfinite");
    assertMentions(error("mixed:ema=0.1"), "unknown key 'ema'", "method mixed",
        "allowed keys: lambda, rescale, nonfinite");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "bloop:lambda=-0.1 | lambda (-0.1) | finite number in [0, inf)",
      "bloop:lambda=abc | lambda (abc) | must be a number",
      "mixed:lambda=NaN | lambda (NaN) | finite",
      "mixed:lambda=Infinity | lambda (Infinity) | finite",
      "bloop:ema=0 | ema (0) | (0, 1]",
      "bloop:ema=1.5 | ema (1.5) | (0, 1]",
      "pcgrad:ema=-0.2 | ema (-0.2) | (0, 1]",
      "bloop:ema=x | ema (x) | must be a number",
      "bloop:init=bogus | init (bogus) | grad, gradients, zeros, random",
      "bloop:seed=x | seed (x) | must be an integer",
      "bloop:seed=1.5 | seed (1.5) | must be an integer",
      "bloop:rescale=maybe | rescale (maybe) | true or false",
      "bloop:ratio-only=yes | ratio-only (yes) | true or false",
      "bloop:eps=-1 | eps (-1) | finite number in [0,",
      "dynamic-barrier:eps=Infinity | eps (Infinity) | finite number in [0,",
      "bloop:nonfinite=ignore | nonfinite (ignore) | throw, skip",
  })
  void badValuesNameTheKeyTheValueAndWhatIsAllowed(String spec, String named, String allowed) {
    assertMentions(error(spec), named, allowed);
  }

  @Test
  void ratioOnlyIsABloopOption() {
    assertMentions(error("dynamic-barrier:ratio-only=true"), "unknown key 'ratio-only'", "dynamic-barrier");
    assertMentions(error("pcgrad:ratio-only=false"), "unknown key 'ratio-only'", "pcgrad");
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> GradientSurgery.parse("bloop:ratio-only=true").init(new float[3][][])).getMessage(),
        "takes 2 losses", "ratio-only is defined for exactly 2 losses", "got 3");
  }

  @Test
  void duplicateKeysAndMalformedPairs() {
    assertMentions(error("bloop:lambda=1,ema=0.2,lambda=2"), "key 'lambda' given twice");
    assertMentions(error("bloop:Lambda=1,LAMBDA=2"), "key 'lambda' given twice");
    assertMentions(error("bloop:lambda"), "'lambda' is not of the form key=value");
    assertMentions(error("bloop:=3"), "'=3' is not of the form key=value");
    assertMentions(error("bloop:lambda="), "'lambda=' is not of the form key=value");
    assertMentions(error("bloop:lambda=1,,ema=0.5"), "'' is not of the form key=value");
    assertMentions(error("bloop:lambda=1,"), "is not of the form key=value");
    assertMentions(error("bloop:"), "has ':' but no key=value pairs");
  }

  @Test
  void constructorRejectsNulls() {
    assertMentions(assertThrows(IllegalArgumentException.class, () -> SurgeryConfig.of(null, 0.1, 0.1,
        InitMode.GRAD, 0, false, false, 1e-7, NonFinitePolicy.THROW)).getMessage(), "method must not be null");
    assertMentions(assertThrows(IllegalArgumentException.class, () -> SurgeryConfig.of(Method.BLOOP, 0.1, 0.1,
        null, 0, false, false, 1e-7, NonFinitePolicy.THROW)).getMessage(), "init must not be null");
    assertMentions(assertThrows(IllegalArgumentException.class, () -> SurgeryConfig.of(Method.BLOOP, 0.1, 0.1,
        InitMode.GRAD, 0, false, false, 1e-7, null)).getMessage(), "nonfinite must not be null");
  }

  @Test
  void withLambdaKeepsEverythingElse() {
    GradientSurgery g = GradientSurgery.parse("pcgrad:lambda=0.1,ema=0.3,init=random,seed=5,rescale=true")
        .withThreads(2);
    GradientSurgery h = g.withLambda(4);
    assertEquals(4, h.lambda());
    assertEquals(2, h.threads());
    assertEquals(g.config().withLambda(4), h.config());
    assertEquals(Method.PCGRAD, h.method());
    assertMentions(assertThrows(IllegalArgumentException.class, () -> g.withLambda(-1)).getMessage(), "lambda (-1.0)");
    assertNotEquals(g, h);
  }

  @Test
  void theCanonicalSpecListsEveryKeyOfTheMethod() {
    assertEquals("bloop:lambda=0.1,ema=0.1,init=grad,seed=0,rescale=false,ratio-only=false,eps=1.0E-7,"
        + "nonfinite=throw", GradientSurgery.parse("bloop").toString());
    assertEquals("mixed:lambda=2,rescale=true,nonfinite=skip",
        GradientSurgery.parse("mixed:rescale=true,lambda=2.0,nonfinite=skip").toString());
  }

  /** What mixed does not use cannot make two mixed configurations differ; nor can the sign of a zero. */
  @Test
  void unusedFieldsAndSignedZerosAreNormalised() {
    SurgeryConfig odd = SurgeryConfig.of(Method.MIXED, -0.0, 0.5, InitMode.RANDOM, 7, true, false, 3,
        NonFinitePolicy.SKIP);
    assertEquals(SurgeryConfig.parse("mixed:lambda=0,rescale=true,nonfinite=skip"), odd);
    assertTrue(!odd.has("ema"), "mixed keeps no EMA");
    assertEquals(0L, Double.doubleToRawLongBits(odd.lambda()), "+0.0");
    SurgeryConfig bloop = SurgeryConfig.of(Method.BLOOP, 0.2, 0.5, InitMode.RANDOM, 7, false, false, -0.0,
        NonFinitePolicy.THROW);
    assertEquals(0L, Double.doubleToRawLongBits(bloop.eps()));
    assertEquals(0.5, bloop.ema(), "bloop keeps its EMA settings");
    assertEquals(InitMode.RANDOM, bloop.init());
    assertEquals(7, bloop.seed());
    assertEquals(bloop, SurgeryConfig.parse(bloop.toSpec()));
    // validation still applies to every field
    assertThrows(IllegalArgumentException.class, () -> SurgeryConfig.of(Method.BLOOP, 0.1, 2, InitMode.GRAD, 0,
        false, false, 1e-7, NonFinitePolicy.THROW));
  }

  // ------------------------------------------------------------------------------ round trip (property)

  @Provide
  Arbitrary<SurgeryConfig> configs() {
    Arbitrary<Method> method = Arbitraries.of(Method.MIXED, Method.BLOOP, Method.DYNAMIC_BARRIER, Method.PCGRAD);
    Arbitrary<Double> lambda = Arbitraries.oneOf(Arbitraries.of(0.0, -0.0, 0.1, 1.0, 1e15, 3e15, 1e-300, 1e300,
        Double.MIN_VALUE, Double.MAX_VALUE), Arbitraries.doubles().between(0, 1e6).ofScale(12),
        Arbitraries.integers().between(0, 1000).map(i -> (double) i),
        Arbitraries.longs().map(l -> Math.abs(Double.longBitsToDouble(l))).filter(Double::isFinite));
    Arbitrary<Double> ema = Arbitraries.oneOf(Arbitraries.of(1.0, 0.1, 0.01, Double.MIN_VALUE, Math.nextDown(1.0)),
        Arbitraries.doubles().between(1e-9, 1).ofScale(15).filter(d -> d > 0));
    Arbitrary<Double> eps = Arbitraries.oneOf(Arbitraries.of(0.0, -0.0, 1e-7, 1e-30, 5.0),
        Arbitraries.doubles().between(0, 10).ofScale(14));
    Arbitrary<InitMode> init = Arbitraries.of(InitMode.class);
    Arbitrary<Long> seed = Arbitraries.longs();
    Arbitrary<NonFinitePolicy> nf = Arbitraries.of(NonFinitePolicy.class);
    Arbitrary<Boolean> bool = Arbitraries.of(true, false);
    return Combinators.combine(method, lambda, ema, eps, init, seed, bool, bool).flatAs(
        (m, l, e, ep, in, s, rescale, ratio) -> nf.map(n -> SurgeryConfig.of(m, l, e, in, s, rescale,
            ratio && m == Method.BLOOP, ep, n)));
  }

  @Property(tries = 500)
  void theCanonicalSpecParsesBackToAnEqualMethod(@ForAll("configs") SurgeryConfig config) {
    GradientSurgery g = GradientSurgery.of(config);
    String spec = g.toString();
    assertEquals(config.toSpec(), spec);
    assertTrue(spec.startsWith(config.method().specName() + ":"), spec);
    GradientSurgery back = GradientSurgery.parse(spec);
    assertEquals(g, back, spec);
    assertEquals(g.hashCode(), back.hashCode());
    assertEquals(spec, back.toString(), "the canonical spec is a fixed point");
    // and the configuration itself, field by field, as far as the method uses it
    SurgeryConfig c = back.config();
    assertEquals(config.method(), c.method());
    assertEquals(config.lambda(), c.lambda(), 0.0);
    assertEquals(config.rescale(), c.rescale());
    assertEquals(config.nonFinite(), c.nonFinite());
    if (config.method() != Method.MIXED) {
      assertEquals(config.ema(), c.ema(), 0.0);
      assertEquals(config.eps(), c.eps(), 0.0);
      assertEquals(config.init(), c.init());
      assertEquals(config.seed(), c.seed());
      assertEquals(config.ratioOnly(), c.ratioOnly());
    }
  }
}
