package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.UserImage;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.backend.PodChannels;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodImages;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.PodContainers;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import io.kuberay.harness.emulated.support.SubmitterExits;
import io.kuberay.harness.emulated.support.SubmitterLogs;
import io.kuberay.harness.ray.process.RayRuntime;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Picks the runtime for each pod: Ray nodes go to the Ray runtime when there is one, pods of a
 * Redis image to a real local redis-server, the rest are simulated.
 */
public final class PodRuntimes implements PodChannels, AutoCloseable {

  private final PodRuntime ray;
  private final PodRuntime redis;
  private final PodRuntime simulated;
  private final PodRuntime completion;
  private final Predicate<Pod> jobPod;
  private final Predicate<Pod> workloadPod;

  private final Map<String, PodRuntime> assigned = new ConcurrentHashMap<>();
  private final ContainerLogs instances = new ContainerLogs();

  public PodRuntimes(PodRuntime ray, PodRuntime simulated) {
    this(ray, null, simulated);
  }

  /**
   * @param redis runs pods of a Redis image; null: they are simulated
   */
  public PodRuntimes(PodRuntime ray, PodRuntime redis, PodRuntime simulated) {
    this(ray, redis, simulated, null, p -> false);
  }

  /**
   * @param completion runs the pods of Jobs to completion; null: they are chosen as other pods
   * @param jobPod whether a pod is one the Job controller made ({@code JobController.isJobPod} of
   *     {@code emulated.node})
   */
  public PodRuntimes(
      PodRuntime ray,
      PodRuntime redis,
      PodRuntime simulated,
      PodRuntime completion,
      Predicate<Pod> jobPod) {
    this(ray, redis, simulated, completion, jobPod, p -> false);
  }

  /**
   * @param workloadPod whether a pod is one a Deployment's ReplicaSet, a StatefulSet or a DaemonSet
   *     made ({@code WorkloadControllers.controlsPod} of {@code emulated.node.workloads}): unless
   *     it is a Ray node or of a Redis image, its command runs as a Job pod's does, restarted per
   *     its restartPolicy, and an image the node cannot know waits with ErrImagePull
   */
  public PodRuntimes(
      PodRuntime ray,
      PodRuntime redis,
      PodRuntime simulated,
      PodRuntime completion,
      Predicate<Pod> jobPod,
      Predicate<Pod> workloadPod) {
    this.ray = ray;
    this.redis = redis;
    this.simulated = simulated;
    this.completion = completion;
    this.jobPod = jobPod;
    this.workloadPod = workloadPod;
  }

  /**
   * The runtime for the pods of Jobs: their command runs to completion with the Ray of their image
   * ({@link CompletionPodRuntime}); {@code defaultRay} empty when Ray is off.
   */
  public static PodRuntime completion(
      PodFilesystems files,
      Path logDir,
      List<UserImage> userImages,
      Optional<RayRuntime> defaultRay,
      Function<Pod, Optional<String>> clusterRayVersion,
      ServiceAddresses services) {
    return new CompletionPodRuntime(
        files,
        logDir,
        new PodImages(userImages),
        defaultRay,
        RayRuntime::resolve,
        clusterRayVersion,
        services);
  }

  /**
   * The runtime for pods of a Redis image: this machine's {@code redis-server}, or, when it has
   * none, pods that wait with ErrImagePull naming the fix.
   */
  public static PodRuntime redis(PodFilesystems files, Path logDir) {
    return new RedisPodRuntime(files, logDir, RedisPodRuntime.findRedisServer());
  }

  private PodRuntime runtimeFor(Pod pod) {
    return assigned.computeIfAbsent(ObjectKeys.of(pod), k -> choose(pod));
  }

  private PodRuntime choose(Pod pod) {
    // Before the Ray-node check: a Job's pod may carry a Ray node's labels (the Redis cleanup
    // Job's pod is the head pod's template) and still runs its own command.
    if (completion != null && jobPod.test(pod)) {
      return completion;
    }
    if (isRayNode(pod)) {
      return ray != null ? ray : simulated;
    }
    if (redis != null && RedisPodRuntime.isRedis(pod)) {
      return redis;
    }
    // A workload's pod is never Running with nothing behind it: its command runs, or the pod says
    // why it cannot.
    return completion != null && workloadPod.test(pod) ? completion : simulated;
  }

  static boolean isRayNode(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null && "yes".equals(labels.get(Labels.IS_RAY_NODE));
  }

  public void start(Pod pod, PodRuntime.PodLifecycle lifecycle) {
    PodRuntime runtime = runtimeFor(pod);
    String key = ObjectKeys.of(pod);
    String main = pod.getSpec().getContainers().get(0).getName();
    SubmitterLogs.open(key);
    if (pod.getSpec().getContainers().stream()
        .skip(1)
        .anyMatch(c -> SubmitterContainer.NAME.equals(c.getName()))) {
      // SidecarMode's submitter, whose command the emulated operator plays: it ends on its own and,
      // as the head pod's restartPolicy is Never, stays ended while the Ray container runs on.
      SubmitterExits.listenSidecar(
          key, exitCode -> lifecycle.sidecarExited(SubmitterContainer.NAME, exitCode, null));
    }
    // Where each instance of the main container ends in its log: kubectl logs reads the current
    // one, --previous the last one that exited.
    runtime.start(
        pod,
        new ForwardingLifecycle(lifecycle) {
          @Override
          public void exited(int exitCode, String reason) {
            instances.exited(key, runtime.logs(pod, main));
            super.exited(exitCode, reason);
          }
        });
  }

  public void stop(String namespace, String name) {
    String key = ObjectKeys.of(namespace, name);
    PodRuntime r = assigned.remove(key);
    if (r != null) {
      r.stop(namespace, name);
    }
    instances.forget(key);
    SubmitterLogs.remove(key);
    SubmitterExits.forget(key);
  }

  @Override
  public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
    return runtimeFor(pod).exec(pod, container, command, timeout);
  }

  /** See {@link PodRuntime#start}. */
  public ExecProcess start(Pod pod, String container, List<String> command, boolean tty) {
    return runtimeFor(pod).start(pod, container, command, tty);
  }

  /**
   * The current instance's log of the container ({@code null}: the first); a container the node
   * does not run has none and says so (an exception).
   */
  @Override
  public String logs(Pod pod, String container) {
    String name = container != null ? container : pod.getSpec().getContainers().get(0).getName();
    return instanceLog(pod, name, false);
  }

  /**
   * {@code pods/log} as the kubelet serves it: 400 (an {@link IllegalArgumentException} with the
   * kubelet's message) for a container that has not started, or for {@code previous} without a
   * terminated instance; else the current or the previous instance's log.
   */
  public String logs(Pod pod, String container, boolean previous) {
    ContainerLogs.checkReadable(pod, container, previous);
    return instanceLog(pod, container, previous);
  }

  private String instanceLog(Pod pod, String container, boolean previous) {
    String all = runtimeFor(pod).logs(pod, container);
    if (!PodContainers.isFirst(pod, container)) {
      // Instances are tracked for the main container only; a sidecar's log is whole.
      return previous ? "" : all;
    }
    return instances.select(
        ObjectKeys.of(pod), all, ContainerLogs.status(pod, container), previous);
  }

  /**
   * What a runtime's {@code logs} throws for a container the emulated node does not run: the pod's
   * other containers have no process here, so no output of their own, and another container's
   * output would mislead.
   */
  static IllegalArgumentException notRun(Pod pod, String container) {
    String image =
        pod.getSpec().getContainers().stream()
            .filter(c -> container.equals(c.getName()))
            .map(c -> " (image " + c.getImage() + ")")
            .findFirst()
            .orElse("");
    return new IllegalArgumentException(
        "container \""
            + container
            + "\" in pod \""
            + pod.getMetadata().getName()
            + "\" is not run by the emulated node"
            + image
            + ", so it has no log: the emulated node runs a pod's first container (a Ray node, a"
            + " Job's command, redis-server), a Ray head's autoscaler and a RayJob's submitter;"
            + " run this pod on the k3s backend to see this container's log");
  }

  public Optional<URI> address(Pod pod, int port) {
    return runtimeFor(pod).address(pod, port);
  }

  /** See {@link PodRuntime#rayDashboard}. */
  public Optional<URI> rayDashboard(Pod pod) {
    return runtimeFor(pod).rayDashboard(pod);
  }

  @Override
  public URI reach(Pod pod, int containerPort) {
    return runtimeFor(pod).reach(pod, containerPort);
  }

  /** Every pod process on the node dies at once (see {@link PodRuntime#killAll()}). */
  public int killAll() {
    int killed = 0;
    for (PodRuntime r : new PodRuntime[] {ray, redis, simulated, completion}) {
      if (r != null) {
        killed += r.killAll();
      }
    }
    return killed;
  }

  /** The environment closes: see {@link PodRuntime#halt()}. */
  public void halt() {
    for (PodRuntime r : new PodRuntime[] {ray, redis, simulated, completion}) {
      if (r != null) {
        r.halt();
      }
    }
  }

  @Override
  public void close() {
    // The submitter maps are static: an environment closed with pods still assigned leaves no
    // entry (and no listener holding this node) behind.
    for (String key : assigned.keySet()) {
      SubmitterLogs.remove(key);
      SubmitterExits.forget(key);
    }
    if (ray != null) {
      ray.close();
    }
    if (redis != null) {
      redis.close();
    }
    simulated.close();
    if (completion != null) {
      completion.close();
    }
  }
}
