/**
 * What a pod's container processes run in, as the kubelet sets it up: volumes (written atomically,
 * refreshed on ConfigMap and Secret changes), the mount namespace that shows them at their mount
 * paths ({@link io.kuberay.harness.emulated.node.sandbox.PodSandbox}), the container's environment
 * (downward API, in-cluster API access), what the node knows of an image, and how a process starts
 * inside all that ({@link io.kuberay.harness.emulated.node.sandbox.PodProcesses}). Runs nothing on
 * its own. Sees the API server like the operator does; may use {@code emulated.support}, {@code
 * ray.process}, {@code settings} and the root API, nothing else of {@code emulated.node}.
 */
@Internal
package io.kuberay.harness.emulated.node.sandbox;

import io.kuberay.harness.Internal;
