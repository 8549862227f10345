/**
 * What KubeRay's RayJob controller checks while a RayJob is Running, beyond following the Ray job,
 * per release ({@code rayjob_controller.go} v1.5.0 and v1.7.0): the transition grace period after
 * the Ray job ended, the submitter's end (its Job's finished condition, SidecarMode's {@code
 * ray-job-submitter} container) and how long it may precede the Ray job's, the operator's job
 * status-check timeout. Plain values in, the status transition out; called by the RayJob controller
 * of {@code emulated.operator}, of which it uses nothing (no cycle).
 */
@Internal
package io.kuberay.harness.emulated.operator.running;

import io.kuberay.harness.Internal;
