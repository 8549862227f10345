package io.kuberay.harness.junit;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Builds the one message shape for misuse: where, what was expected, what was found, and the fix.
 */
final class Misconfiguration {

  private Misconfiguration() {}

  static ExtensionConfigurationException of(
      String where, String expected, String found, String fix) {
    return new ExtensionConfigurationException(
        where + ": expected " + expected + ", but found " + found + ". Fix: " + fix);
  }

  static ExtensionConfigurationException of(
      String where, String expected, String found, String fix, Throwable cause) {
    return new ExtensionConfigurationException(
        where + ": expected " + expected + ", but found " + found + ". Fix: " + fix, cause);
  }
}
