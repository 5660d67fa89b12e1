package dev.scalpel.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Runs a range body split in two halves: the calling thread does [0, mid), one persistent daemon worker does
 * [mid, n). The worker waits for work the way scalpel-core's pool does (spins, then parks), so the triad baseline
 * pays a comparable hand-off. One job at a time; not reentrant.
 */
final class Halves {
  /** A body over the index range [from, to). */
  interface Body {
    void run(int from, int to);
  }

  private static final int SPINS = 20_000;

  private final Thread worker;
  private volatile int generation;
  private volatile int finished;
  private volatile Body body;
  private volatile int from;
  private volatile int to;
  private volatile boolean stop;
  private volatile Throwable failure;

  Halves() {
    worker = new Thread(this::loop, "bench-halves");
    worker.setDaemon(true);
    worker.start();
  }

  /** Runs {@code b} over [0, n) on both threads; returns when both halves are done. */
  void run(int n, Body b) {
    int mid = (n / 2) & ~15; // keep the split on a 64-byte boundary of floats
    body = b;
    from = mid;
    to = n;
    int g = generation + 1;
    generation = g;
    LockSupport.unpark(worker);
    b.run(0, mid);
    int spins = 0;
    while (finished != g) {
      if (spins++ < SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(this, 10_000);
      }
    }
    Throwable f = failure;
    if (f != null) {
      throw new IllegalStateException("worker half failed", f);
    }
  }

  void close() {
    stop = true;
    generation = generation + 1;
    LockSupport.unpark(worker);
  }

  private void loop() {
    int seen = 0;
    while (true) {
      int spins = 0;
      while (generation == seen) {
        if (spins++ < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      seen = generation;
      if (stop) {
        return;
      }
      try {
        body.run(from, to);
      } catch (Throwable t) {
        failure = t;
      }
      finished = seen;
    }
  }
}
