package io.kuberay.harness.cucumber;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Locale;

/** The pod states a step can wait for, as written in the sentence. */
enum PodState {
  RUNNING_AND_READY("running and ready"),
  RUNNING("running"),
  PENDING("pending"),
  SUCCEEDED("succeeded"),
  FAILED("failed");

  /**
   * The alternatives of the parameter type; longest first so that "running and ready" wins over
   * "running".
   */
  static final String REGEX = "running and ready|running|pending|succeeded|failed";

  private final String text;

  PodState(String text) {
    this.text = text;
  }

  static PodState of(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    for (PodState s : values()) {
      if (s.text.equals(t)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "Unknown pod state '" + text + "'. Use one of: " + REGEX.replace("|", ", ") + ".");
  }

  /** Whether the pod is in this state now. */
  boolean matches(Pod pod) {
    String phase = phase(pod);
    return switch (this) {
      case RUNNING_AND_READY -> "Running".equals(phase) && isReady(pod);
      case RUNNING -> "Running".equals(phase);
      case PENDING -> "Pending".equals(phase);
      case SUCCEEDED -> "Succeeded".equals(phase);
      case FAILED -> "Failed".equals(phase);
    };
  }

  static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? "Pending"
        : pod.getStatus().getPhase();
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Override
  public String toString() {
    return text;
  }
}
