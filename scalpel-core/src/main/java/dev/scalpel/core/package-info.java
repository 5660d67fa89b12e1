/**
 * Scalpel core: gradient surgery for k losses with no dependencies. Start at
 * {@link dev.scalpel.core.GradientSurgery}.
 *
 * <p>One structure serves every method: a blocked pass computes the inner products a method needs (its part of the
 * Gramian of the gradients and their EMAs) and the largest |x| of every vector; the method solves a small k×k
 * problem in double (exact solvers with iteration caps: an active-set QP, a Jacobi eigensolver, Nash-MTL's Newton);
 * one pass writes the direction and the updated EMAs. The two-loss priority methods keep the fused float kernels
 * of the two-loss release, bit for bit.
 *
 * <p>Kernels run on {@code jdk.incubator.vector} when the JVM has it ({@code --add-modules
 * jdk.incubator.vector}), otherwise on a portable scalar path; both give bit-identical results, for any number of
 * threads, for arrays and buffers.
 */
package dev.scalpel.core;
