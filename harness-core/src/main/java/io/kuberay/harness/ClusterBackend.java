package io.kuberay.harness;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One kind of cluster (emulated, k3s, existing): starts it, installs KubeRay, and says how the test JVM
 * execs in a pod and reaches a pod's port. Implementations own everything they start.
 */
public interface ClusterBackend extends AutoCloseable {

  /** A client for the cluster; owned by the backend. */
  KubernetesClient client();

  /** A kubeconfig (YAML) with which any Kubernetes client reaches the cluster. */
  String kubeconfig();

  /** Installs the CRDs and the operator as the settings say, and waits until the operator is available. */
  void installKubeRay(EnvironmentSettings settings);

  /** The namespace the operator runs in. */
  String operatorNamespace();

  /** Runs a command in a container of the pod; a non-zero exit is a result. */
  ExecResult exec(Pod pod, String container, List<String> command, Duration timeout);

  /** The container's log so far. */
  String logs(Pod pod, String container);

  /** An address at which the test JVM reaches the pod's container port. */
  URI reach(Pod pod, int containerPort);

  /** The Ray image this cluster's pods can run without a registry: chart releases the harness installs use it. */
  default String rayImage() {
    return RayImages.DEFAULT_IMAGE;
  }

  @Override
  void close();
}
