/**
 * Scalpel core: gradient surgery with no dependencies. Start at {@link dev.scalpel.core.GradientSurgery}.
 *
 * <p>Kernels run on {@code jdk.incubator.vector} when the JVM has it ({@code --add-modules
 * jdk.incubator.vector}), otherwise on a portable scalar path; both give bit-identical results.
 */
package dev.scalpel.core;
