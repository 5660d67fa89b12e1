package dev.scalpel.train.data;

/**
 * A data set could not be fetched, verified or read. The message says what went wrong and what to do about it
 * (install npm, check the network, or point at idx files already on disk).
 */
public final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
