package dev.scalpel.djl;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The number of intra-op threads of the PyTorch engine (process-wide). On a small machine shared with other work
 * one thread is often as fast as several; one thread also makes every result reproducible bit for bit.
 */
public final class TorchThreads {
  private TorchThreads() {
  }

  /** Sets the PyTorch intra-op thread count (≥ 1), loading the engine if needed. */
  public static void set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("torch threads (" + threads + ") must be >= 1");
    }
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
  }

  /** The current PyTorch intra-op thread count. */
  public static int get() {
    Engine.getEngine("PyTorch");
    return JniUtils.getNumThreads();
  }
}
