package dev.scalpel.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/*
 * A tiny fork-join for chunked kernels: the caller and (threads - 1) daemon workers claim task indices until none
 * are left. No allocation per run.
 *
 * The caller waits only for tasks that were CLAIMED, never for workers to check in: on a loaded machine a worker
 * the OS has not scheduled yet simply finds nothing left to claim when it wakes, instead of stalling the caller.
 * To make a late worker harmless, a claim is a CAS on one 64-bit word holding (generation << 32 | next index): a
 * worker only claims tasks of the generation it read the job for; the job's fields are written before the word
 * announces the generation, and cannot change while one of its tasks is unclaimed or running.
 *
 * Which thread runs which task varies; results do not, because each task writes only its own slots and the caller
 * reduces them in task order. One job at a time per pool (a lock serialises concurrent callers). Idle workers spin
 * about 20 µs, then park, so an idle pool costs no CPU.
 */
final class WorkerPool {

  /** A body run once per task index; {@code worker} is in [0, threads) and 0 is the calling thread. */
  interface ChunkTask {
    void run(int worker, int task);
  }

  private static final ConcurrentHashMap<Integer, WorkerPool> POOLS = new ConcurrentHashMap<>();
  private static final int SPINS = 2_000;

  private final int threads;
  private final ReentrantLock lock = new ReentrantLock();
  /** (generation << 32) | index of the next unclaimed task. */
  private final AtomicLong cursor = new AtomicLong();
  private final AtomicInteger finished = new AtomicInteger();
  private final Thread[] workers;
  private volatile ChunkTask job;
  private volatile int tasks;
  private volatile int grain;
  private volatile Thread caller;
  private volatile Throwable failure;

  static WorkerPool of(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads (" + threads + ") must be >= 1");
    }
    return POOLS.computeIfAbsent(threads, WorkerPool::new);
  }

  private WorkerPool(int threads) {
    this.threads = threads;
    this.workers = new Thread[threads - 1];
    for (int w = 1; w < threads; w++) {
      int id = w;
      Thread t = new Thread(() -> loop(id), "scalpel-worker-" + threads + "-" + w);
      t.setDaemon(true);
      workers[w - 1] = t;
      t.start();
    }
  }

  int threads() {
    return threads;
  }

  /** Runs {@code body} for every task in [0, count), on all threads of the pool; returns when all are done. */
  void run(int count, ChunkTask body) {
    if (threads == 1 || count <= 1) {
      for (int t = 0; t < count; t++) {
        body.run(0, t);
      }
      return;
    }
    lock.lock();
    try {
      failure = null;
      job = body;
      tasks = count;
      grain = Math.max(1, count / (4 * threads));
      finished.set(0);
      caller = Thread.currentThread();
      long generation = (cursor.get() >>> 32) + 1;
      cursor.set(generation << 32); // publishes job, tasks and caller
      for (Thread w : workers) {
        LockSupport.unpark(w);
      }
      work(0, generation, body, count, grain);
      int spins = 0;
      while (finished.get() != count) {
        if (spins++ < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      job = null;
      Throwable f = failure;
      if (f instanceof RuntimeException re) {
        throw re;
      }
      if (f instanceof Error err) {
        throw err;
      }
      if (f != null) {
        throw new IllegalStateException(f);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Claims and runs tasks of {@code generation} until none are left, {@code grain} consecutive tasks per claim
   * (consecutive chunks keep each thread's memory streams sequential, which the hardware prefetchers need).
   */
  private void work(int worker, long generation, ChunkTask body, int count, int grain) {
    while (true) {
      long c = cursor.get();
      int index = (int) c;
      if ((c >>> 32) != generation || index >= count) {
        return;
      }
      int end = Math.min(count, index + grain);
      if (!cursor.compareAndSet(c, c + (end - index))) {
        continue;
      }
      for (int t = index; t < end; t++) {
        try {
          if (failure == null) {
            body.run(worker, t);
          }
        } catch (Throwable e) {
          failure = e;
        } finally {
          if (finished.incrementAndGet() == count && worker != 0) {
            LockSupport.unpark(caller);
          }
        }
      }
    }
  }

  private void loop(int id) {
    long seen = 0;
    while (true) {
      int spins = 0;
      long c;
      while (((c = cursor.get()) >>> 32) == seen) {
        if (spins++ < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      seen = c >>> 32;
      ChunkTask body = job;
      int count = tasks;
      int g = grain;
      if (body != null) {
        work(id, seen, body, count, g);
      }
    }
  }
}
