package io.kuberay.harness;

/**
 * A wait ended without its condition: the message names object, expectation, last state and
 * timeout.
 */
public final class WaitTimeoutException extends RuntimeException {

  public WaitTimeoutException(String message) {
    super(message);
  }
}
