package dev.scalpel.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A kernel that forwards to another and records which threads ran chunks (and can be told to fail). */
class DelegatingKernel extends Kernel {
  final Kernel inner;
  final Set<String> threads = ConcurrentHashMap.newKeySet();
  volatile boolean failInWorkers;
  /**
   * When set, the calling thread waits (up to 10 s) in its chunks until a pool worker has run one, so a test can
   * rely on the workers really taking part even when a loaded machine is slow to wake them.
   */
  volatile boolean awaitWorker;
  private volatile boolean workerSeen;

  DelegatingKernel(Kernel inner) {
    this.inner = inner;
  }

  private void note() {
    String name = Thread.currentThread().getName();
    threads.add(name);
    boolean worker = name.startsWith("scalpel-worker");
    if (worker) {
      workerSeen = true;
    } else if (awaitWorker) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!workerSeen && System.nanoTime() < deadline) {
        Thread.yield();
      }
    }
    if (failInWorkers && worker) {
      throw new IllegalStateException("kernel failure in " + name);
    }
  }

  @Override
  void emaDots(float[] g, int go, float[] a, int ao, float[] e, int eo, int n, float keep, float rho,
      double[] acc, int off) {
    note();
    inner.emaDots(g, go, a, ao, e, eo, n, keep, rho, acc, off);
  }

  @Override
  float combine2(float[] g, int go, float[] a, int ao, float[] out, int oo, int n, float c1, float c2) {
    note();
    return inner.combine2(g, go, a, ao, out, oo, n, c1, c2);
  }

  @Override
  void updateCombine3InPlace(float[] g, int go, float[] a, int ao, float[] e, int eo, float[] out, int oo, int n,
      float keep, float rho, float c1, float c2, float c3) {
    note();
    inner.updateCombine3InPlace(g, go, a, ao, e, eo, out, oo, n, keep, rho, c1, c2, c3);
  }

  @Override
  void updateCombine4InPlace(float[] g, int go, float[] a, int ao, float[] e, int eo, float[] f, int fo,
      float[] out, int oo, int n, float keep, float rho, float c1, float c2, float c3, float c4) {
    note();
    inner.updateCombine4InPlace(g, go, a, ao, e, eo, f, fo, out, oo, n, keep, rho, c1, c2, c3, c4);
  }

  @Override
  String name() {
    return "recording " + inner.name();
  }
}
