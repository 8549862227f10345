package io.kuberay.harness;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where the Kubernetes cluster of an environment comes from. */
public enum BackendType {
  /**
   * An in-JVM Kubernetes API with an emulated KubeRay operator; Ray nodes run as local processes.
   */
  EMULATED,
  /** k3s in a Testcontainers container with the real KubeRay operator and real Ray pods. */
  K3S,
  /** Whatever cluster a kubeconfig context points at. */
  EXISTING;

  /**
   * Parses a backend name as users write it ({@code emulated}, {@code k3s}, {@code existing}).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static BackendType of(String text) {
    String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (BackendType type : values()) {
      if (type.id().equals(wanted)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "Unknown backend '"
            + text
            + "'. Use one of: "
            + Arrays.stream(values()).map(BackendType::id).collect(Collectors.joining(", "))
            + " (system property kuberay.backend or env KUBERAY_BACKEND).");
  }

  /** The lower-case name used in properties, annotations and the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
