/**
 * Synchronous data-parallel training on Apache Spark ({@link dev.scalpel.spark.SparkTraining}): the driver owns the
 * parameters, the surgery state and the optimiser; the executors compute the fixed micro-batches' gradients of each
 * step; the driver reduces them in micro-batch order, so a run is the same bits with any number of executors.
 */
package dev.scalpel.spark;
