package dev.scalpel.core;

/*
 * Fixed chunking of a model's tensors. Each tensor is cut at offsets 0, CHUNK, 2*CHUNK, ...; the chunks of all
 * tensors are numbered in (tensor, offset) order. Kernels run per chunk and write per-chunk partial sums, which
 * are reduced in chunk order: the layout, not the thread count, fixes every rounding.
 */
final class Layout {
  /** Elements per chunk: 32 KiB of floats, so a chunk of each operand stays in L1/L2 between fused passes. */
  static final int CHUNK = 8192;
  /**
   * Below this many floats in all, a step runs on the calling thread: a hand-off would cost more than it saves.
   * Measured (docs/benchmarks.md, quiet 2-core machine): at 2^17 floats two threads made bloop slower (87 µs vs
   * 53 µs), at 2^18 faster (154 vs 185 µs), at 2^19 twice as fast.
   */
  static final long PARALLEL_MIN = 1L << 18;

  final int[] sizes;
  final long total;
  final int chunks;
  final int[] chunkTensor;
  final int[] chunkOffset;
  final int[] chunkLength;
  /** Index of each tensor's first element in the flattened model (GradDrop's per-coordinate random numbers). */
  final long[] tensorStart;

  Layout(int[] sizes) {
    this.sizes = sizes.clone();
    long sum = 0;
    long count = 0;
    for (int t = 0; t < sizes.length; t++) {
      if (sizes[t] < 0) {
        throw new IllegalArgumentException("tensor " + t + " has negative size " + sizes[t]);
      }
      sum += sizes[t];
      count += (sizes[t] + CHUNK - 1) / CHUNK;
    }
    if (count > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException("too many parameters: " + sum);
    }
    total = sum;
    chunks = (int) count;
    chunkTensor = new int[chunks];
    chunkOffset = new int[chunks];
    chunkLength = new int[chunks];
    tensorStart = new long[sizes.length];
    long start = 0;
    for (int t = 0; t < sizes.length; t++) {
      tensorStart[t] = start;
      start += sizes[t];
    }
    int c = 0;
    for (int t = 0; t < sizes.length; t++) {
      for (int off = 0; off < sizes[t]; off += CHUNK) {
        chunkTensor[c] = t;
        chunkOffset[c] = off;
        chunkLength[c] = Math.min(CHUNK, sizes[t] - off);
        c++;
      }
    }
  }

  static int[] sizesOf(float[][] tensors, String what) {
    if (tensors == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    int[] sizes = new int[tensors.length];
    for (int t = 0; t < tensors.length; t++) {
      if (tensors[t] == null) {
        throw new IllegalArgumentException(what + " tensor " + t + " is null");
      }
      sizes[t] = tensors[t].length;
    }
    return sizes;
  }
}
