/**
 * The analytic tasks: the paper's §3.3 toy ({@code toy2d}), the same with a third loss ({@code toy3d}) and the
 * reference notebook's over-parameterised least squares ({@code quadratic}).
 */
package dev.scalpel.experiments.toy;
