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
  private final Map<String, PodRuntime> assigned = new ConcurrentHashMap<>();

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
    this.ray = ray;
    this.redis = redis;
    this.simulated = simulated;
    this.completion = completion;
    this.jobPod = jobPod;
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
    return redis != null && RedisPodRuntime.isRedis(pod) ? redis : simulated;
  }

  static boolean isRayNode(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null && "yes".equals(labels.get(Labels.IS_RAY_NODE));
  }

  public void start(Pod pod, PodRuntime.PodLifecycle lifecycle) {
    runtimeFor(pod).start(pod, lifecycle);
  }

  public void stop(String namespace, String name) {
    PodRuntime r = assigned.remove(ObjectKeys.of(namespace, name));
    if (r != null) {
      r.stop(namespace, name);
    }
  }

  @Override
  public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
    return runtimeFor(pod).exec(pod, container, command, timeout);
  }

  /** See {@link PodRuntime#start}. */
  public ExecProcess start(Pod pod, String container, List<String> command, boolean tty) {
    return runtimeFor(pod).start(pod, container, command, tty);
  }

  @Override
  public String logs(Pod pod, String container) {
    return runtimeFor(pod).logs(pod, container);
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

  @Override
  public void close() {
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
