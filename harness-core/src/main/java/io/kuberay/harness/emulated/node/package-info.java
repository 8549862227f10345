/**
 * The emulated node: scheduler and kubelet ({@link io.kuberay.harness.emulated.node.NodeEmulator})
 * and the runtimes that run a pod's containers (real {@code ray start} processes, or nothing). Sees
 * the API server like the operator does; may use {@code emulated.support}, {@code ray.process} and
 * the settings of {@code install}.
 */
@Internal
package io.kuberay.harness.emulated.node;

import io.kuberay.harness.Internal;
