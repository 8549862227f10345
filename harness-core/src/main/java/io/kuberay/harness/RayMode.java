package io.kuberay.harness;

import java.util.Locale;

/** Whether emulated Ray pods run real {@code ray start} processes. */
public enum RayMode {
  /**
   * Real Ray when a Python with Ray is given or can be provisioned; otherwise pods run without Ray.
   */
  AUTO,
  /** Real Ray or fail the environment's start with the reason. */
  REQUIRED,
  /**
   * Never start Ray: pods become Running without processes (fast tests of Kubernetes objects only).
   */
  OFF;

  /** Parses {@code auto}, {@code required} or {@code off}. */
  public static RayMode of(String text) {
    String wanted = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    for (RayMode m : values()) {
      if (m.name().equals(wanted)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "Unknown Ray mode '" + text + "'. Use auto, required or off (kuberay.ray).");
  }
}
