package dev.scalpel.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/*
 * A tiny fork-join for chunked kernels: the caller and (threads - 1) daemon workers claim chunk indices from a
 * shared counter until none are left; the caller returns when every worker has finished. No allocation per run.
 * Which thread runs which chunk varies; results do not, because each chunk writes only its own slots and the
 * caller reduces them in chunk order. One job at a time per pool (a lock serialises concurrent callers).
 * Workers spin briefly, then park, so an idle pool costs no CPU.
 */
final class WorkerPool {

  /** A body run once per task index; {@code worker} is in [0, threads) and 0 is the calling thread. */
  interface ChunkTask {
    void run(int worker, int task);
  }

  private static final ConcurrentHashMap<Integer, WorkerPool> POOLS = new ConcurrentHashMap<>();
  private static final int SPINS = 20_000;

  private final int threads;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final Thread[] workers;
  private volatile int generation;
  private volatile ChunkTask job;
  private volatile int tasks;
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
      next.set(0);
      running.set(threads - 1);
      caller = Thread.currentThread();
      generation++;
      for (Thread w : workers) {
        LockSupport.unpark(w);
      }
      Throwable mine = null;
      try {
        work(0, body, count);
      } catch (Throwable t) {
        mine = t;
        next.set(count); // let the workers stop early
      }
      int spins = 0;
      while (running.get() != 0) {
        if (spins++ < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      job = null;
      Throwable f = mine != null ? mine : failure;
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

  private void work(int worker, ChunkTask body, int count) {
    for (int t = next.getAndIncrement(); t < count; t = next.getAndIncrement()) {
      body.run(worker, t);
    }
  }

  private void loop(int id) {
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
      ChunkTask body = job;
      try {
        if (body != null) {
          work(id, body, tasks);
        }
      } catch (Throwable t) {
        failure = t;
        next.set(Integer.MAX_VALUE / 2);
      } finally {
        if (running.decrementAndGet() == 0) {
          LockSupport.unpark(caller);
        }
      }
    }
  }
}
