package io.kuberay.harness;

import java.time.Instant;

/**
 * A worker pod the operator created or deleted for a RayCluster, as its Kubernetes event says
 * (reason {@code CreatedWorkerPod}/{@code DeletedWorkerPod}, or {@code Created}/{@code Deleted} on
 * KubeRay v1.1.0).
 *
 * @param up true for a created pod, false for a deleted one
 * @param time when the event was last seen (null when the event has no time)
 * @param message the operator's message, e.g. {@code Deleted pod
 *     default/raycluster-small-group-worker-x7k2p}
 */
public record ScalingEvent(boolean up, Instant time, String message) {}
