package com.example.raypipeline;

/** A training job did not finish within the time the caller allowed; the message says where it was. */
public class TrainingJobTimeoutException extends RuntimeException {

  public TrainingJobTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
