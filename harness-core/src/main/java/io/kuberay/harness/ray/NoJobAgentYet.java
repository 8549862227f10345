package io.kuberay.harness.ray;

import java.net.URI;

/**
 * Ray's answer to a job submitted before the head node's dashboard agent is up. Ray's dashboard
 * answers ({@code /api/version} included) before the head's raylet and its agents have started, and
 * hands every submission to a node's agent: Ray 2.46 and 2.52 only to the head node's, 2.9 and 2.34
 * to any registered node's. It waits 10 s for one ({@code WAIT_AVAILABLE_AGENT_TIMEOUT}), then
 * answers 500 with this text. KubeRay's readiness probe of the head asks the same agent, so a Ready
 * head pod's dashboard finds it (measured in docs/RELIABILITY.md, "The fresh-head window").
 */
final class NoJobAgentYet {

  /** Ray's body for the refusal, the same from 2.9 to 2.52. */
  static final String RAY_TEXT = "No available agent to submit job";

  private NoJobAgentYet() {}

  /** {@code e} itself, or, for Ray's "no agent" refusal, the same with what it means. */
  static RayJobsException explain(RayJobsException e, URI dashboard) {
    if (e.statusCode() != 500 || !e.body().contains(RAY_TEXT)) {
      return e;
    }
    return new RayJobsException(
        "Ray refused the job at "
            + dashboard
            + ": '"
            + e.body().strip()
            + "' (HTTP 500). The dashboard answers before the head node's raylet and dashboard"
            + " agent have started, and Ray hands a job only to a node's agent: the head is not"
            + " ready yet (a fresh or restarted head). Nothing was submitted. Fix: wait until the"
            + " head pod is Ready (RayClusterHandle.awaitReady; KubeRay's readiness probe asks the"
            + " same agent), then submit; or submit again.",
        e.statusCode(),
        e.body(),
        e);
  }
}
