package dev.scalpel.core;

/**
 * Thrown when one of the exact k×k solvers (the active-set QP of MGDA, UPGrad, DualProj and CAGrad, the Jacobi
 * eigensolver of IMTL-G and Aligned-MTL, Nash-MTL's damped Newton) did not converge within its iteration cap.
 * Every solver has such a cap, so none can loop forever or return an unconverged answer silently. The surgery
 * state is left unchanged, as for a non-finite gradient; the message names the method, the number of losses and
 * the cap.
 */
public final class SolverFailedException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  SolverFailedException(String message) {
    super(message);
  }
}
