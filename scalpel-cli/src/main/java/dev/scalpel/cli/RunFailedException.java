package dev.scalpel.cli;

/** A run that stopped on a numerical failure (shown as one line, exit code 1). */
final class RunFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
