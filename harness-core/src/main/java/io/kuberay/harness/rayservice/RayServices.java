package io.kuberay.harness.rayservice;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.Internal;
import io.kuberay.harness.backend.ClusterBackend;
import java.util.List;
import java.util.Objects;

/** The RayServices of an environment: {@code env.rayServices().inNamespace("ns").create(spec)}. */
public final class RayServices {

  private final ClusterBackend backend;
  private final String namespace;

  /** For {@code KubeRayEnvironment.rayServices()}. */
  @Internal
  public RayServices(ClusterBackend backend, String namespace) {
    this.backend = backend;
    this.namespace = namespace;
  }

  public RayServices inNamespace(String ns) {
    return new RayServices(backend, Objects.requireNonNull(ns, "namespace must not be null"));
  }

  /** Creates the RayService; returns at once (use {@link RayServiceHandle#awaitRunning}). */
  public RayServiceHandle create(RayServiceSpec spec) {
    GenericKubernetesResource created =
        backend
            .client()
            .genericKubernetesResources(RayServiceHandle.RAY_SERVICES)
            .inNamespace(namespace)
            .resource(spec.toResource(namespace))
            .create();
    return new RayServiceHandle(backend, namespace, created.getMetadata().getName());
  }

  public RayServiceHandle createFromYaml(String yaml) {
    return create(RayServiceSpec.fromYaml(yaml));
  }

  public RayServiceHandle withName(String name) {
    return new RayServiceHandle(
        backend, namespace, Objects.requireNonNull(name, "name must not be null"));
  }

  public List<RayServiceHandle> list() {
    return backend
        .client()
        .genericKubernetesResources(RayServiceHandle.RAY_SERVICES)
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .map(r -> new RayServiceHandle(backend, namespace, r.getMetadata().getName()))
        .toList();
  }
}
