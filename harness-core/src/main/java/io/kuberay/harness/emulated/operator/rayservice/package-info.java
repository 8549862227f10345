/**
 * The emulated operator's RayService controller: the RayClusters it creates per upgrade, Serve's
 * dashboard API (serveConfigV2 submitted, application statuses polled), the serve service and its
 * endpoints, the status and conditions per KubeRay version. Builds on the RayCluster side of {@code
 * emulated.operator} (views, validation, head service); the same rules as there: the API server
 * only through its client, nothing of {@code emulated.node} or {@code emulated.streaming}.
 */
@Internal
package io.kuberay.harness.emulated.operator.rayservice;

import io.kuberay.harness.Internal;
