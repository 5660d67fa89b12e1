/**
 * Measurement entry points: {@link dev.scalpel.djl.bench.StepBench} (training-step time of the two-gradient step
 * against the usual DJL mixed step, native views against Java arrays) and {@link dev.scalpel.djl.bench.RssCheck}
 * (resident memory over a long run). Run them with {@code scalpel-djl/scripts/run-main.sh}.
 */
package dev.scalpel.djl.bench;
