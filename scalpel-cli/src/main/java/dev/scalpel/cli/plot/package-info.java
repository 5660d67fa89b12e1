/** Plots: the sweep's Pareto fronts (PNG and SVG) and each run's diagnostics chart (XChart). */
package dev.scalpel.cli.plot;
