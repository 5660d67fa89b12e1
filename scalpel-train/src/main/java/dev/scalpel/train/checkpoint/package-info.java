/**
 * Checkpoint files: named sections written atomically (temporary file, fsync, atomic rename) with a format version
 * and a SHA-256, verified on load. See {@link dev.scalpel.train.checkpoint.CheckpointFile}.
 */
package dev.scalpel.train.checkpoint;
