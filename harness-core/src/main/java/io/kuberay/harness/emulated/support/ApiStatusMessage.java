package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The API server's message of a refused request, as a Go controller prints the error it got ({@code
 * err.Error()} of a StatusError is the Status's message), not fabric8's "Failure executing: ..."
 * wrapper.
 */
public final class ApiStatusMessage {

  private ApiStatusMessage() {}

  public static String of(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }
}
