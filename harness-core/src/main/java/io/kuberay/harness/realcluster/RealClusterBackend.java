package io.kuberay.harness.realcluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.backend.ClusterBackend;
import io.kuberay.harness.install.Installation;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the k3s and existing-cluster backends share: a real API server reached with fabric8, pods
 * exec'd, logged and port-forwarded through it, and the KubeRay installation the backend made.
 */
public abstract class RealClusterBackend implements ClusterBackend {

  private final KubernetesClient client;
  private final PodAccess pods;
  private volatile Installation installation;

  protected RealClusterBackend(KubernetesClient client) {
    this.client = client;
    this.pods = new PodAccess(client);
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  /** Records the installation this backend made (or found). */
  protected Installation installed(Installation made) {
    this.installation = made;
    return made;
  }

  /** The installation this backend made or found, if it installed KubeRay. */
  public Optional<Installation> installation() {
    return Optional.ofNullable(installation);
  }

  @Override
  public String operatorNamespace() {
    Installation current = installation;
    if (current == null) {
      throw new IllegalStateException("KubeRay is not installed yet");
    }
    return current.namespace();
  }

  @Override
  public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
    return pods.exec(pod, container, command, timeout);
  }

  @Override
  public String logs(Pod pod, String container) {
    return pods.logs(pod, container);
  }

  @Override
  public URI reach(Pod pod, int containerPort) {
    return pods.reach(pod, containerPort);
  }

  /** Stops the port-forwards; subclasses call it first in {@link #close()}. */
  protected void closePodAccess() {
    pods.close();
  }
}
