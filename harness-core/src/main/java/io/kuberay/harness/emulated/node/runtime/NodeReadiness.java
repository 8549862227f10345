package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.kuberay.harness.ray.process.RayNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Keeps a running Ray pod's readiness true to Ray's view until its {@code ray start} exits, as a
 * kubelet's readiness probe does: KubeRay's probe (raylet health, which asks the GCS whether this
 * raylet is alive, and on the head the GCS health) runs every {@code periodSeconds} and turns the
 * pod NotReady after {@code failureThreshold} failures in a row. A worker whose head node is gone
 * (head restarted or deleted) is NotReady at once: the head's new GCS does not know it, whatever
 * the probe's threshold still allows, so a RayCluster never reads as ready while Ray lacks a node
 * its pods claim.
 */
final class NodeReadiness {

  /** How often the joined head is compared with the current one: cheap, no request. */
  private static final Duration TICK = Duration.ofMillis(250);

  private final RayNode node;
  private final RayNode joinedHead;
  private final Supplier<RayNode> currentHead;
  private final Duration period;
  private final int failureThreshold;

  private NodeReadiness(
      RayNode node,
      RayNode joinedHead,
      Supplier<RayNode> currentHead,
      Duration period,
      int failureThreshold) {
    this.node = node;
    this.joinedHead = joinedHead;
    this.currentHead = currentHead;
    this.period = period;
    this.failureThreshold = failureThreshold;
  }

  /** For {@code node} of {@code pod}; {@code joinedHead} is null for a head. */
  static NodeReadiness of(
      Pod pod, RayNode node, RayNode joinedHead, Supplier<RayNode> currentHead) {
    Probe probe =
        pod.getSpec().getContainers().stream()
            .findFirst()
            .map(Container::getReadinessProbe)
            .orElse(null);
    int periodSeconds =
        probe != null && probe.getPeriodSeconds() != null ? probe.getPeriodSeconds() : 10;
    int threshold =
        probe != null && probe.getFailureThreshold() != null ? probe.getFailureThreshold() : 3;
    return new NodeReadiness(
        node,
        joinedHead,
        currentHead,
        Duration.ofSeconds(Math.max(1, periodSeconds)),
        Math.max(1, threshold));
  }

  /**
   * Whether a worker's head is still reachable where it joined: false once the head restarted or
   * its pod went, unless the new head's GCS listens where the old one did (GCS fault tolerance: the
   * new GCS restores the node table from Redis and the worker's raylet reconnects; the probe then
   * tells).
   */
  boolean headCurrent() {
    if (joinedHead == null) {
      return true;
    }
    RayNode now = currentHead.get();
    return now != null && now.isAlive() && now.gcsAddress().equals(joinedHead.gcsAddress());
  }

  /**
   * Reports readiness changes to {@code lifecycle} until the node's process exits or {@code stop}
   * says so; the pod is Ready when this is called.
   */
  void watch(PodRuntime.PodLifecycle lifecycle, BooleanSupplier stop) {
    CompletableFuture<ProcessHandle> exit =
        ProcessHandle.of(node.pid())
            .map(ProcessHandle::onExit)
            .orElse(CompletableFuture.completedFuture(null));
    boolean ready = true;
    int failures = 0;
    long nextProbe = System.nanoTime() + period.toNanos();
    while (!stop.getAsBoolean()) {
      try {
        exit.get(TICK.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        // still running: check below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        return;
      }
      boolean headOk = headCurrent();
      if (System.nanoTime() - nextProbe >= 0) {
        nextProbe = System.nanoTime() + period.toNanos();
        failures = node.isReady() ? 0 : failures + 1;
      }
      boolean nowReady = headOk && failures < failureThreshold;
      if (nowReady != ready && node.isAlive() && !stop.getAsBoolean()) {
        ready = nowReady;
        lifecycle.readiness(ready);
      }
    }
  }
}
