package dev.scalpel.bench;

import org.openjdk.jmh.annotations.Fork;

/** {@link DirectionBench} on the portable scalar kernel ({@code -Dscalpel.kernel=scalar}). */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dscalpel.kernel=scalar", "-Xms1g",
    "-Xmx6g"})
public class ScalarDirectionBench extends DirectionBench {
  @Override
  String expectedKernel() {
    return "scalar";
  }
}
