package io.kuberay.harness.backend;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.RayImages;

/**
 * One kind of cluster (emulated, k3s, existing): starts it, installs KubeRay, and says how the test
 * JVM execs in a pod and reaches a pod's port. Implementations own everything they start.
 */
public interface ClusterBackend extends PodChannels, AutoCloseable {

  /** A client for the cluster; owned by the backend. */
  KubernetesClient client();

  /** A kubeconfig (YAML) with which any Kubernetes client reaches the cluster. */
  String kubeconfig();

  /**
   * Installs the CRDs and the operator as the settings say, and waits until the operator is
   * available.
   */
  void installKubeRay(EnvironmentSettings settings);

  /** The namespace the operator runs in. */
  String operatorNamespace();

  /**
   * The Ray image this cluster's pods can run without a registry: chart releases the harness
   * installs use it.
   */
  default String rayImage() {
    return RayImages.DEFAULT_IMAGE;
  }

  /**
   * The node restarts, as on a kubelet or machine reboot: every process of every pod dies at once
   * (SIGKILL) and the kubelet restarts the containers per restartPolicy. Returns how many processes
   * were killed.
   *
   * @throws UnsupportedOperationException on a backend that cannot restart its node from here
   */
  default int restartNode() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName()
            + " cannot restart its node from the harness: restart the node yourself (k3s: docker"
            + " restart of the node's container; a real cluster: reboot the node), or use the"
            + " emulated backend");
  }

  @Override
  void close();
}
