package io.kuberay.harness.k3s;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.HostConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.ray.process.JvmReaper;
import io.kuberay.harness.realcluster.ClientConfigs;
import java.time.Duration;
import java.util.List;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * k3s for KubeRay tests: Testcontainers' {@link K3sContainer}, started without {@code --privileged}
 * (which fails on hosts whose capability bounding set lacks {@code CAP_SYS_RESOURCE}) and ready
 * only once the node reports {@code Ready} through the API.
 *
 * <p>Supported image: {@code rancher/k3s}, or an image declared compatible with it via {@code
 * DockerImageName.parse("kuberay-harness/k8s-node:v1.36.3").asCompatibleSubstituteFor("rancher/k3s")}.
 *
 * <p>Exposed ports: 6443 (API server).
 */
public class KubeRayK3sContainer extends K3sContainer {

  private static final DockerImageName K3S_IMAGE = DockerImageName.parse("rancher/k3s");
  private static final List<String> SECURITY_OPTS =
      List.of("seccomp=unconfined", "apparmor=unconfined");
  private static final Duration DEFAULT_NODE_READY_TIMEOUT = Duration.ofMinutes(3);

  private boolean privileged;
  private Duration nodeReadyTimeout = DEFAULT_NODE_READY_TIMEOUT;
  private volatile boolean reused;
  private volatile long runningNanos;

  public KubeRayK3sContainer(String image) {
    this(DockerImageName.parse(image));
  }

  public KubeRayK3sContainer(DockerImageName image) {
    super(image);
    image.assertCompatibleWith(K3S_IMAGE);
    setPrivilegedMode(false);
    withCreateContainerCmdModifier(
        cmd -> {
          HostConfig host = cmd.getHostConfig();
          if (privileged) {
            host.withPrivileged(true);
            return;
          }
          // What --privileged grants, minus CAP_SYS_RESOURCE; cgroupns=host, the /sys/fs/cgroup
          // bind and the
          // tmpfs mounts come from K3sContainer itself.
          host.withPrivileged(false)
              .withCapAdd(Capability.ALL)
              .withCapDrop(Capability.SYS_RESOURCE)
              .withSecurityOpts(SECURITY_OPTS)
              .withDevices(new Device("rwm", "/dev/kmsg", "/dev/kmsg"));
          cmd.withHostConfig(UnconfinedHostConfig.copyOf(host));
        });
  }

  /**
   * Runs the container {@code --privileged} as plain K3sContainer does, for hosts that allow it.
   */
  public KubeRayK3sContainer withPrivileged(boolean value) {
    this.privileged = value;
    return this;
  }

  /** How long the node may take to report {@code Ready} after k3s logged that it is up. */
  public KubeRayK3sContainer withNodeReadyTimeout(Duration timeout) {
    this.nodeReadyTimeout = timeout;
    return this;
  }

  @Override
  protected void containerIsStarting(InspectContainerResponse containerInfo, boolean reused) {
    this.reused = reused;
    this.runningNanos = System.nanoTime();
    if (!isShouldBeReused()) {
      // Ryuk is off (its image cannot be pulled here): the JVM's reaper removes the container if
      // the JVM dies, kill -9 included, even while the node still boots.
      JvmReaper.removeContainerOnDeath(containerInfo.getId());
    }
    super.containerIsStarting(containerInfo, reused);
  }

  /**
   * Whether {@link #start()} found a running container made for the same configuration ({@code
   * withReuse(true)}).
   */
  public boolean isReused() {
    return reused;
  }

  /**
   * {@link System#nanoTime()} when the container was running (created and started, or found for
   * reuse).
   */
  long runningNanos() {
    return runningNanos;
  }

  @Override
  protected void containerIsStarted(InspectContainerResponse containerInfo) {
    super.containerIsStarted(containerInfo);
    try (KubernetesClient client = ClientConfigs.client(getKubeConfigYaml())) {
      NodeReadiness.await(client, getContainerName(), nodeReadyTimeout);
    }
  }
}
