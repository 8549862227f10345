/**
 * RayServices in a test: {@link io.kuberay.harness.rayservice.RayServiceSpec} (builder, from YAML,
 * Serve apps from a ConfigMap), {@link io.kuberay.harness.rayservice.RayServices} (create, get,
 * list in a namespace) and {@link io.kuberay.harness.rayservice.RayServiceHandle} (status, await
 * running, applications, the serve URL, upgrade, delete). Reached through {@code
 * KubeRayEnvironment.rayServices()}; same stability as the root package.
 */
package io.kuberay.harness.rayservice;
