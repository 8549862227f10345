/**
 * The pod runtimes that run a scheduled pod's containers ({@link
 * io.kuberay.harness.emulated.node.runtime.PodRuntime}): real {@code ray start} processes with
 * their readiness probes and autoscaler container, a local {@code redis-server}, a Job pod's
 * command run to completion ({@code CompletionPodRuntime}), or nothing; and what they share: the
 * kubelet's steps before a container starts, execs, power loss, service addresses. Sees the API
 * server like the operator does; may use {@code emulated.node.sandbox}, {@code emulated.support},
 * {@code ray.process}, {@code backend} (pod channels) and the root API, nothing of {@code
 * emulated.node} itself.
 */
@Internal
package io.kuberay.harness.emulated.node.runtime;

import io.kuberay.harness.Internal;
