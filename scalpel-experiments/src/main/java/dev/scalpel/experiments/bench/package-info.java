/**
 * Measurement entry points: {@link dev.scalpel.experiments.bench.StepBench} (training-step time of the two-gradient step
 * against the usual DJL mixed step, native views against Java arrays) and {@link dev.scalpel.experiments.bench.RssCheck}
 * (resident memory over a long run). Run them with {@code scalpel-experiments/scripts/run-main.sh}.
 */
package dev.scalpel.experiments.bench;
