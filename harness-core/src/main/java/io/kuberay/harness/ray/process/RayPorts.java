package io.kuberay.harness.ray.process;

import io.kuberay.harness.Internal;

/**
 * The loopback ports one Ray node listens on. Ports that a node type does not open are 0: a worker
 * has no {@code dashboard} or {@code client}; its {@code gcs} is the head's GCS port it joined.
 *
 * @param gcs GCS server ({@code --port}); the head's GCS on a worker
 * @param dashboard dashboard and Jobs REST API (head only)
 * @param client Ray client server (head only)
 * @param nodeManager raylet node manager
 * @param objectManager raylet object manager
 * @param metricsExport Prometheus metrics ({@code --metrics-export-port}, KubeRay's 8080)
 * @param dashboardAgentHttp dashboard agent HTTP, serves {@code /api/local_raylet_healthz}
 *     (KubeRay's 52365)
 * @param dashboardAgentGrpc dashboard agent gRPC (metrics agent)
 * @param runtimeEnvAgent runtime-env agent
 * @param minWorker first port of the range for worker processes
 * @param maxWorker last port of the range for worker processes
 */
@Internal
public record RayPorts(
    int gcs,
    int dashboard,
    int client,
    int nodeManager,
    int objectManager,
    int metricsExport,
    int dashboardAgentHttp,
    int dashboardAgentGrpc,
    int runtimeEnvAgent,
    int minWorker,
    int maxWorker) {}
