/**
 * Local Ray processes: finding or provisioning a Ray installation ({@link
 * io.kuberay.harness.ray.process.RayRuntime}), starting and stopping {@code ray start} nodes, their
 * ports, standbys and process trees. May use the root API and {@code ray}. Its public classes are
 * {@link io.kuberay.harness.Internal} except {@link io.kuberay.harness.ray.process.RayRuntime},
 * which the CLI and tests may use to resolve Ray.
 */
package io.kuberay.harness.ray.process;
