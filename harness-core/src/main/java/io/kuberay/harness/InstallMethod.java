package io.kuberay.harness;

import java.util.Locale;

/** How KubeRay's CRDs and operator get into the cluster: the two ways of the quick-start. */
public enum InstallMethod {
  /** {@code kubectl create -k ray-operator/config/default?ref=<version>}. */
  KUSTOMIZE,
  /** {@code helm install kuberay-operator kuberay/kuberay-operator --version <version>}. */
  HELM,
  /**
   * Nothing: the cluster starts empty and the user installs KubeRay with the quick-start's own
   * commands. On the emulated backend the operator of the release in the Deployment's image tag
   * runs once that Deployment exists.
   */
  NONE;

  /** Parses {@code kustomize} or {@code helm}, ignoring case. */
  public static InstallMethod of(String text) {
    String wanted = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    for (InstallMethod m : values()) {
      if (m.name().equals(wanted)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "Unknown install method '" + text + "'. Use kustomize, helm or none (kuberay.install).");
  }
}
