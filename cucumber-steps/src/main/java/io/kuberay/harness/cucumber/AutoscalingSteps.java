package io.kuberay.harness.cucumber;

import io.cucumber.java.en.Then;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.ScalingEvent;
import java.time.Duration;
import java.util.List;

/**
 * What the autoscaler (or a user) did to a RayCluster's worker groups: replicas, ready workers,
 * scaling events.
 */
public class AutoscalingSteps {

  private final KubeRayWorld world;

  public AutoscalingSteps(KubeRayWorld world) {
    this.world = world;
  }

  @Then(
      "worker group {string} of the RayCluster {string} has {int} ready worker pod(s) within {kuberayDuration}")
  public void readyWorkers(String group, String name, int count, Duration timeout) {
    world.cluster(name).awaitWorkerPods(group, count, timeout);
    world.log("Worker group " + group + " of " + name + " has " + count + " Ready pod(s)");
  }

  @Then(
      "worker group {string} of the RayCluster {string} has {int} replica(s) within {kuberayDuration}")
  public void replicas(String group, String name, int replicas, Duration timeout) {
    world.cluster(name).awaitReplicas(group, replicas, timeout);
  }

  /**
   * From the operator's events: how many worker pods it created and deleted for the cluster so far.
   */
  @Then(
      "the RayCluster {string} has created at least {int} and deleted at least {int} worker pod(s)")
  public void scalingEvents(String name, int created, int deleted) {
    RayClusterHandle cluster = world.cluster(name);
    List<ScalingEvent> events = cluster.scalingEvents();
    long up = events.stream().filter(ScalingEvent::up).count();
    long down = events.size() - up;
    if (up < created || down < deleted) {
      throw new AssertionError(
          cluster
              + ": expected at least "
              + created
              + " worker pods created and "
              + deleted
              + " deleted, the operator's events show "
              + up
              + " and "
              + down
              + ": "
              + events);
    }
    world.log(cluster + ": " + up + " worker pod(s) created, " + down + " deleted");
  }
}
