package dev.scalpel.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a range body split in two halves on the calling thread and one persistent daemon worker, for the 2-thread
 * triad baseline. The worker waits the way scalpel-core's pool does (spins, then parks). Either thread may claim
 * either half, and the caller waits only for a half the worker has actually claimed: a worker the OS has not
 * scheduled yet (a loaded machine) never holds the caller up, the caller then runs both halves. No allocation per
 * run; one job at a time.
 *
 * <p>Claims and completions are counted in two AtomicLongs stamped with the job's generation (high 32 bits), so a
 * worker waking up late can only claim a half of the job that is current, and the job's fields cannot change while
 * it runs a half (the next job is published only after both halves are done).
 */
final class Halves {
  /** A body over the index range [from, to). */
  interface Body {
    void run(int from, int to);
  }

  private static final int SPINS = 20_000;

  private final Thread worker;
  private final AtomicLong claims = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private Body body;
  private int mid;
  private int n;
  private volatile boolean stop;
  private volatile Throwable failure;
  private int generation;

  Halves() {
    worker = new Thread(this::loop, "bench-halves");
    worker.setDaemon(true);
    worker.start();
  }

  /** Runs {@code b} over [0, n) on up to two threads; returns when both halves are done. */
  void run(int n, Body b) {
    this.body = b;
    this.n = n;
    this.mid = (n / 2) & ~15; // split on a 64-byte boundary of floats
    long g = (long) ++generation << 32;
    done.set(g);
    claims.set(g); // publishes body, n, mid
    LockSupport.unpark(worker);
    claimAndRun(g);
    int spins = 0;
    while (done.get() != (g | 2)) {
      if (spins++ < SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(10_000);
      }
    }
    Throwable f = failure;
    if (f != null) {
      failure = null;
      throw new IllegalStateException("worker half failed", f);
    }
  }

  /** Claims and runs halves of job {@code g} until none is left. */
  private void claimAndRun(long g) {
    while (true) {
      long c = claims.get();
      if ((c & ~0xffffffffL) != g || (int) c >= 2) {
        return;
      }
      if (claims.compareAndSet(c, c + 1)) {
        int half = (int) c;
        try {
          if (half == 0) {
            body.run(0, mid);
          } else {
            body.run(mid, n);
          }
        } catch (Throwable t) {
          failure = t;
        } finally {
          done.incrementAndGet();
        }
      }
    }
  }

  void close() {
    stop = true;
    LockSupport.unpark(worker);
  }

  private void loop() {
    long seen = 0;
    while (!stop) {
      long g = claims.get() & ~0xffffffffL;
      if (g == seen) {
        int spins = 0;
        while ((claims.get() & ~0xffffffffL) == seen && !stop) {
          if (spins++ < SPINS) {
            Thread.onSpinWait();
          } else {
            LockSupport.park(this);
          }
        }
        continue;
      }
      seen = g;
      claimAndRun(g);
    }
  }
}
