/**
 * The emulated node: scheduler and kubelet ({@link io.kuberay.harness.emulated.node.NodeEmulator}),
 * which bind pods, hand them to a pod runtime ({@code emulated.node.runtime}) and write their
 * status, the Node object's reboot, and the Job controller ({@link
 * io.kuberay.harness.emulated.node.JobController}) whose pods the runtimes run to completion. Sees
 * the API server like the operator does; may use {@code emulated.node.runtime}, {@code
 * emulated.support} and the root API.
 */
@Internal
package io.kuberay.harness.emulated.node;

import io.kuberay.harness.Internal;
