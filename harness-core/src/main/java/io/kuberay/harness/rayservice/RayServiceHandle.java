package io.kuberay.harness.rayservice;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.Waits;
import io.kuberay.harness.backend.ClusterBackend;
import io.kuberay.harness.internal.ObjectEvents;
import io.kuberay.harness.internal.RayObject;
import io.kuberay.harness.model.v1.RayService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A RayService in the environment: status, waiting until it serves (failing fast with the
 * operator's message when an application failed or the spec was refused), its applications, the
 * serve service's URL, upgrades, deletion.
 */
public final class RayServiceHandle {

  static final ResourceDefinitionContext RAY_SERVICES = RayObject.RAY_SERVICES;

  /**
   * Event reasons by which the operator reports a RayService it cannot serve (v1.1.0 records
   * failures as Normal events named after the state).
   */
  private static final Set<String> FAILURE_REASONS =
      Set.of(
          "InvalidRayServiceSpec",
          "InvalidRayServiceMetadata",
          "RayServiceInitializingTimeout",
          "FailedToUpdateServeApplications",
          "FailedToCreateRayCluster",
          "FailedToUpdateService",
          "FailedToCreateService",
          "WaitForServeDeploymentReady",
          "FailedToGetOrCreateRayCluster");

  /**
   * Failures the operator retries that end by themselves: the dashboard still starting, (the real
   * operator's Go client, seen on a loaded k3s node) Serve's first deployment taking longer than
   * the operator's request timeout, or a create of the cluster it had just created, before its
   * informer cache showed it ({@code rayclusters.ray.io "x" already exists}, seen on k3s with
   * v1.5.0).
   */
  private static final List<String> TRANSIENT =
      List.of(
          "connection refused",
          "ConnectException",
          "Connection reset",
          "EOF",
          "timed out",
          "context deadline exceeded",
          "Client.Timeout exceeded",
          "i/o timeout",
          "already exists");

  private static final Duration EVENT_CHECK = Duration.ofMillis(500);

  private final ClusterBackend backend;
  private final String namespace;
  private final String name;
  private final RayObject object;

  RayServiceHandle(ClusterBackend backend, String namespace, String name) {
    this.backend = backend;
    this.namespace = namespace;
    this.name = name;
    this.object = new RayObject(backend, RAY_SERVICES, namespace, name);
  }

  public String name() {
    return name;
  }

  public String namespace() {
    return namespace;
  }

  /** The RayService object as stored now. */
  public GenericKubernetesResource get() {
    return object.get();
  }

  /**
   * The RayService object as stored now, typed ({@code kuberay-model}): spec and status as fields.
   */
  public RayService rayService() {
    return object.typed(RayService.class);
  }

  @SuppressWarnings("unchecked")
  public RayServiceStatus status() {
    Object status = get().getAdditionalProperties().get("status");
    return new RayServiceStatus(status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
  }

  /** Application name → status on the active cluster. */
  public Map<String, String> applications() {
    return status().activeApplications();
  }

  /**
   * Waits until the RayService runs ({@code serviceStatus: Running}) and its serve service has an
   * endpoint. Fails at once, with the operator's words, when an application is DEPLOY_FAILED or
   * UNHEALTHY, when the operator records a failure event for it, or when the head container has no
   * port named {@code serve}.
   */
  public RayServiceHandle awaitRunning(Duration timeout) {
    long[] nextEventCheck = {0};
    String[] failure = {null};
    Waits.until(
        "RayService " + namespace + "/" + name,
        "serviceStatus Running with a serve endpoint",
        timeout,
        () -> {
          RayServiceStatus s = status();
          if (failure[0] == null && System.nanoTime() >= nextEventCheck[0]) {
            nextEventCheck[0] = System.nanoTime() + EVENT_CHECK.toNanos();
            failure[0] = failure(s).orElse(null);
          }
          return s;
        },
        s -> s.isRunning() && s.numServeEndpoints() > 0 && s.pendingClusterName().isEmpty(),
        s ->
            s
                + (failure[0] == null
                    ? s.failedApplication().map(f -> "; failure: " + f).orElse("")
                    : "; failure: " + failure[0])
                + "; clusters: "
                + clusterSummary()
                + "; events: "
                + eventSummary(),
        s -> failure[0] != null || s.failedApplication().isPresent());
    return this;
  }

  private Optional<String> failure(RayServiceStatus s) {
    Optional<String> app = s.failedApplication();
    if (app.isPresent()) {
      return app;
    }
    for (Event e : events()) {
      if (FAILURE_REASONS.contains(e.getReason())
          && TRANSIENT.stream().noneMatch(t -> String.valueOf(e.getMessage()).contains(t))) {
        return Optional.of(e.getReason() + ": " + e.getMessage());
      }
    }
    if (!servePortDeclared()
        && s.numServeEndpoints() == 0
        && s.pendingApplications().values().stream().anyMatch("RUNNING"::equals)) {
      return Optional.of(
          "the head container has no port named 'serve': the operator does not create the serve service. Add"
              + " `ports: [{name: serve, containerPort: 8000}]` to rayClusterConfig.headGroupSpec's Ray container.");
    }
    return Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private boolean servePortDeclared() {
    Map<String, Object> spec =
        (Map<String, Object>) get().getAdditionalProperties().getOrDefault("spec", Map.of());
    if (spec.get("serveService") instanceof Map<?, ?>) {
      return true;
    }
    try {
      Map<String, Object> head =
          (Map<String, Object>)
              ((Map<String, Object>) spec.get("rayClusterConfig")).get("headGroupSpec");
      List<Object> containers =
          (List<Object>)
              ((Map<String, Object>) ((Map<String, Object>) head.get("template")).get("spec"))
                  .get("containers");
      List<Object> ports =
          (List<Object>) ((Map<String, Object>) containers.get(0)).getOrDefault("ports", List.of());
      // A head container without ports gets KubeRay's default ports, serve 8000 among them.
      return ports.isEmpty()
          || ports.stream()
              .anyMatch(
                  p ->
                      String.valueOf(((Map<String, Object>) p).get("name")).matches("serve(-.*)?"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The events the operator recorded for this RayService, oldest first. */
  public List<Event> events() {
    return new ObjectEvents(backend, namespace, "RayService", name).all();
  }

  private String eventSummary() {
    List<Event> events = events();
    return events.isEmpty()
        ? "none"
        : events.stream()
            .skip(Math.max(0, events.size() - 5))
            .map(e -> e.getReason() + " \"" + e.getMessage() + "\"")
            .toList()
            .toString();
  }

  private String clusterSummary() {
    return clusterNames().stream()
        .map(
            c -> {
              RayClusterHandle cluster = new RayClusterHandle(backend, namespace, c);
              String head;
              try {
                head = PodHandle.describe(cluster.headPod().get());
              } catch (RuntimeException e) {
                head = "no head pod";
              }
              return c + " [state " + cluster.status().state() + ", head " + head + "]";
            })
        .toList()
        .toString();
  }

  /** The cluster that serves now (the active one). */
  public RayClusterHandle activeCluster() {
    String cluster = status().activeClusterName();
    if (cluster.isEmpty()) {
      throw new IllegalStateException(
          "RayService "
              + namespace
              + "/"
              + name
              + " has no active cluster yet; call awaitRunning first");
    }
    return new RayClusterHandle(backend, namespace, cluster);
  }

  /** The RayClusters this RayService created (active, pending and old ones not yet deleted). */
  public List<String> clusterNames() {
    return backend
        .client()
        .genericKubernetesResources(RayObject.RAY_CLUSTERS)
        .inNamespace(namespace)
        .withLabel("ray.io/originated-from-cr-name", name)
        .withLabel("ray.io/originated-from-crd", "RayService")
        .list()
        .getItems()
        .stream()
        .map(r -> r.getMetadata().getName())
        .sorted()
        .toList();
  }

  /**
   * {@code <name>-serve-svc}, or the name given in {@code spec.serveService}: the service that
   * sends requests to pods whose Serve proxy is healthy.
   */
  public Service serveService() {
    Service s =
        backend.client().services().inNamespace(namespace).withName(serveServiceName()).get();
    if (s == null) {
      throw new IllegalStateException(
          "RayService "
              + namespace
              + "/"
              + name
              + " has no serve service "
              + serveServiceName()
              + " yet; call awaitRunning first");
    }
    return s;
  }

  /** KubeRay's {@code RayServiceServeServiceNamespacedName}. */
  private String serveServiceName() {
    Object spec = get().getAdditionalProperties().get("spec");
    Object serve = spec instanceof Map<?, ?> m ? m.get("serveService") : null;
    Object metadata = serve instanceof Map<?, ?> m ? m.get("metadata") : null;
    Object given = metadata instanceof Map<?, ?> m ? m.get("name") : null;
    return given instanceof String n && !n.isBlank() ? n : name + "-serve-svc";
  }

  /**
   * Where the test reaches the serve service: a ready pod it selects, on its serve port, as the
   * test JVM reaches it (loopback on the emulated backend, a port-forward on k3s). Resolved on
   * every call: after an upgrade it is the new cluster's.
   */
  public URI serveUrl() {
    Service serve = serveService();
    int port =
        serve.getSpec().getPorts().get(0).getTargetPort() != null
                && serve.getSpec().getPorts().get(0).getTargetPort().getIntVal() != null
            ? serve.getSpec().getPorts().get(0).getTargetPort().getIntVal()
            : serve.getSpec().getPorts().get(0).getPort();
    Pod pod =
        backend
            .client()
            .pods()
            .inNamespace(namespace)
            .withLabels(serve.getSpec().getSelector())
            .list()
            .getItems()
            .stream()
            .filter(RayServiceHandle::ready)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "The serve service "
                            + namespace
                            + "/"
                            + serve.getMetadata().getName()
                            + " has no ready endpoint (selector "
                            + serve.getSpec().getSelector()
                            + ")"));
    return backend.reach(pod, port);
  }

  private static boolean ready(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null
        || pod.getStatus() == null
        || pod.getStatus().getConditions() == null) {
      return false;
    }
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Replaces the RayService's spec (labels stay), as {@code kubectl apply} of a changed manifest: a
   * changed {@code rayClusterConfig} rolls out a new cluster, a changed {@code serveConfigV2} alone
   * is applied in place.
   */
  public RayServiceHandle update(RayServiceSpec spec) {
    if (!spec.name().equals(name)) {
      throw new IllegalArgumentException(
          "The spec is for RayService " + spec.name() + ", not " + name);
    }
    for (int attempt = 1; ; attempt++) {
      try {
        backend
            .client()
            .genericKubernetesResources(RAY_SERVICES)
            .inNamespace(namespace)
            .withName(name)
            .edit(
                r -> {
                  r.getAdditionalProperties().put("spec", spec.spec());
                  return r;
                });
        return this;
      } catch (KubernetesClientException e) {
        // The operator writes status concurrently: a conflict means read again and retry.
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** Deletes the RayService; its clusters and services go with it. */
  public void delete() {
    backend
        .client()
        .genericKubernetesResources(RAY_SERVICES)
        .inNamespace(namespace)
        .withName(name)
        .delete();
  }

  @Override
  public String toString() {
    return "RayService " + namespace + "/" + name;
  }
}
