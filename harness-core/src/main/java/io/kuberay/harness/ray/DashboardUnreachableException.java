package io.kuberay.harness.ray;

import java.net.URI;

/** Nothing answered at the dashboard URL; status code 0. */
public final class DashboardUnreachableException extends RayJobsException {

  private final URI url;

  DashboardUnreachableException(URI url, Throwable cause) {
    super(
        "Ray dashboard at "
            + url
            + " is unreachable ("
            + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
            + "). Fix: check that the head node is"
            + " running and ready (RayNode.awaitReady) and that the URL is the head's RayNode.dashboardUrl(), not the"
            + " in-cluster port 8265.",
        0,
        "",
        cause);
    this.url = url;
  }

  public URI url() {
    return url;
  }
}
