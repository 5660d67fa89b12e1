/** Sweeps over methods × λ: the λ grid, method labels, and the resumable runner with results.csv and plots. */
package dev.scalpel.cli.sweep;
