/**
 * The emulated backend: an in-JVM Kubernetes API server, KubeRay operator and node, wired together
 * by {@link io.kuberay.harness.emulated.EmulatedBackend}. The only package here that knows all
 * layers. May use every {@code emulated.*} package, {@code ray.process} and the root API.
 */
@Internal
package io.kuberay.harness.emulated;

import io.kuberay.harness.Internal;
