package io.kuberay.harness;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kuberay.harness.backend.ClusterBackend;
import io.kuberay.harness.internal.LatestObject;
import io.kuberay.harness.internal.ObjectEvents;
import io.kuberay.harness.internal.RayObject;
import io.kuberay.harness.internal.RefusalCheck;
import io.kuberay.harness.model.v1.RayCluster;
import io.kuberay.harness.ray.RayAuthToken;
import io.kuberay.harness.ray.RayJobsClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A RayCluster in the environment: status, waiting, its pods and service, scaling, the dashboard.
 */
public final class RayClusterHandle {

  static final ResourceDefinitionContext RAY_CLUSTERS = RayObject.RAY_CLUSTERS;

  private final ClusterBackend backend;
  private final String namespace;
  private final String name;
  private final RayObject object;

  /**
   * For the harness's own packages (a RayService's clusters); users get handles from {@link
   * RayClusters}.
   */
  @Internal
  public RayClusterHandle(ClusterBackend backend, String namespace, String name) {
    this.backend = backend;
    this.namespace = namespace;
    this.name = name;
    this.object = new RayObject(backend, RAY_CLUSTERS, namespace, name);
  }

  public String name() {
    return name;
  }

  public String namespace() {
    return namespace;
  }

  /** The RayCluster object as stored now. */
  public GenericKubernetesResource get() {
    return object.get();
  }

  /**
   * The RayCluster object as stored now, typed ({@code kuberay-model}): spec and status as fields,
   * pod templates as fabric8's.
   */
  public RayCluster rayCluster() {
    return object.typed(RayCluster.class);
  }

  @SuppressWarnings("unchecked")
  public RayClusterStatus status() {
    Object status = get().getAdditionalProperties().get("status");
    return new RayClusterStatus(status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
  }

  /**
   * Waits until {@code status.state} is {@code ready} and every Ray pod of the cluster is Ready
   * now. The operator keeps {@code ready} once reached, also while a restarted head is without its
   * workers; the pods' readiness (KubeRay's probes, which ask the GCS) says whether Ray has every
   * node the pods claim. Fails at once when the operator refuses the cluster's spec or metadata
   * ({@code InvalidRayClusterSpec}), with its message; a timeout's message names the cluster's
   * Warning events.
   */
  @SuppressWarnings("unchecked")
  public RayClusterHandle awaitReady(Duration timeout) {
    ObjectEvents events = new ObjectEvents(backend, namespace, "RayCluster", name);
    RefusalCheck refusal = new RefusalCheck(events);
    // A watch keeps the object current: checking it often costs no request.
    try (LatestObject<GenericKubernetesResource> cluster =
        LatestObject.watch(
            backend
                .client()
                .genericKubernetesResources(RAY_CLUSTERS)
                .inNamespace(namespace)
                .withName(name))) {
      Waits.until(
          "RayCluster " + namespace + "/" + name,
          "status.state ready and every Ray pod Ready",
          timeout,
          () -> {
            GenericKubernetesResource r = cluster.get();
            if (r == null) {
              return null;
            }
            RayClusterStatus s =
                new RayClusterStatus(
                    (Map<String, Object>) r.getAdditionalProperties().get("status"));
            if (!"ready".equals(s.state())) {
              refusal.look(r.getMetadata());
            }
            return s;
          },
          s -> "ready".equals(s.state()) && rayPodsReady(),
          s -> s + "; pods: " + podSummary() + events.warnings(refusal.uid()),
          s -> refusal.found());
    }
    return this;
  }

  private boolean rayPodsReady() {
    List<Pod> rayPods =
        pods().stream()
            .filter(
                p ->
                    p.getMetadata().getLabels().containsKey("ray.io/node-type")
                        && p.getMetadata().getDeletionTimestamp() == null)
            .toList();
    return !rayPods.isEmpty() && rayPods.stream().allMatch(RayClusterHandle::runningAndReady);
  }

  private static boolean runningAndReady(Pod pod) {
    return pod.getStatus() != null
        && "Running".equals(pod.getStatus().getPhase())
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private String podSummary() {
    List<Pod> pods = pods();
    if (pods.isEmpty()) {
      return "none";
    }
    StringBuilder s = new StringBuilder();
    for (Pod p : pods) {
      s.append(s.length() == 0 ? "" : "; ")
          .append(p.getMetadata().getName())
          .append(" [")
          .append(PodHandle.describe(p))
          .append(']');
    }
    return s.toString();
  }

  private List<Pod> pods() {
    return backend
        .client()
        .pods()
        .inNamespace(namespace)
        .withLabel("ray.io/cluster", name)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /** The head pod; fails when there is none yet. */
  public PodHandle headPod() {
    return pods().stream()
        .filter(p -> "head".equals(p.getMetadata().getLabels().get("ray.io/node-type")))
        .findFirst()
        .map(p -> new PodHandle(backend, namespace, p.getMetadata().getName()))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "RayCluster "
                        + namespace
                        + "/"
                        + name
                        + " has no head pod yet; call awaitReady first"));
  }

  public List<PodHandle> workerPods() {
    return pods().stream()
        .filter(p -> "worker".equals(p.getMetadata().getLabels().get("ray.io/node-type")))
        .map(p -> new PodHandle(backend, namespace, p.getMetadata().getName()))
        .toList();
  }

  public List<PodHandle> workerPods(String group) {
    return pods().stream()
        .filter(
            p ->
                "worker".equals(p.getMetadata().getLabels().get("ray.io/node-type"))
                    && group.equals(p.getMetadata().getLabels().get("ray.io/group")))
        .map(p -> new PodHandle(backend, namespace, p.getMetadata().getName()))
        .toList();
  }

  /**
   * The head service (named in {@code status.head.serviceName} on v1.5.0+, {@code <name>-head-svc}
   * by default).
   */
  public Service headService() {
    return backend
        .client()
        .services()
        .inNamespace(namespace)
        .withLabel("ray.io/cluster", name)
        .withLabel("ray.io/node-type", "head")
        .list()
        .getItems()
        .stream()
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "RayCluster " + namespace + "/" + name + " has no head service yet"));
  }

  /** Sets a worker group's replicas, as {@code kubectl patch} or the autoscaler would. */
  @SuppressWarnings("unchecked")
  public RayClusterHandle scaleWorkerGroup(String group, int replicas) {
    List<Object> groups =
        (List<Object>)
            ((Map<String, Object>) get().getAdditionalProperties().getOrDefault("spec", Map.of()))
                .getOrDefault("workerGroupSpecs", List.of());
    if (groups.stream().noneMatch(g -> group.equals(((Map<String, Object>) g).get("groupName")))) {
      throw new IllegalArgumentException(
          "RayCluster " + namespace + "/" + name + " has no worker group '" + group + "'");
    }
    // The operator writes status concurrently; a conflict (409) means "read again and retry", as
    // kubectl does.
    for (int attempt = 1; ; attempt++) {
      try {
        backend
            .client()
            .genericKubernetesResources(RAY_CLUSTERS)
            .inNamespace(namespace)
            .withName(name)
            .edit(
                r -> {
                  Map<String, Object> spec =
                      (Map<String, Object>) r.getAdditionalProperties().get("spec");
                  for (Object g : (List<Object>) spec.getOrDefault("workerGroupSpecs", List.of())) {
                    if (group.equals(((Map<String, Object>) g).get("groupName"))) {
                      ((Map<String, Object>) g).put("replicas", replicas);
                    }
                  }
                  return r;
                });
        return this;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /**
   * The worker group's {@code replicas} as the spec says now (the autoscaler's and users' target).
   */
  public int replicas(String group) {
    Object replicas = workerGroup(rayClusterSpec(), group).get("replicas");
    return replicas instanceof Number n ? n.intValue() : 0;
  }

  /**
   * Waits until the worker group's {@code replicas} is {@code replicas}, e.g. after the autoscaler
   * patched it.
   */
  public RayClusterHandle awaitReplicas(String group, int replicas, Duration timeout) {
    workerGroup(rayClusterSpec(), group);
    Waits.until(
        "RayCluster " + namespace + "/" + name,
        "worker group " + group + " replicas " + replicas,
        timeout,
        () -> replicas(group),
        r -> r == replicas,
        r -> "replicas " + r + "; pods: " + podSummary(),
        null);
    return this;
  }

  /**
   * Waits until the worker group has exactly {@code count} pods, none being deleted, each Running
   * and Ready: the workers the operator keeps for the group's replicas (or the autoscaler's), all
   * joined.
   */
  public RayClusterHandle awaitWorkerPods(String group, int count, Duration timeout) {
    workerGroup(rayClusterSpec(), group);
    Waits.until(
        "RayCluster " + namespace + "/" + name,
        count + " Ready worker pod(s) in group " + group + " and no other",
        timeout,
        () -> groupPods(group),
        pods ->
            pods.size() == count
                && pods.stream()
                    .allMatch(
                        p -> p.getMetadata().getDeletionTimestamp() == null && runningAndReady(p)),
        pods ->
            "replicas "
                + replicas(group)
                + "; group pods: "
                + (pods.isEmpty()
                    ? "none"
                    : pods.stream()
                        .map(p -> p.getMetadata().getName() + " [" + PodHandle.describe(p) + "]")
                        .reduce((a, b) -> a + "; " + b)
                        .orElse("")),
        null);
    return this;
  }

  private List<Pod> groupPods(String group) {
    return pods().stream()
        .filter(
            p ->
                "worker".equals(p.getMetadata().getLabels().get("ray.io/node-type"))
                    && group.equals(p.getMetadata().getLabels().get("ray.io/group")))
        .toList();
  }

  /**
   * Deletes exactly the named worker pods of the group as the autoscaler does: lists them in {@code
   * scaleStrategy.workersToDelete} and lowers {@code replicas} by their number, in one update.
   */
  @SuppressWarnings("unchecked")
  public RayClusterHandle deleteWorkers(String group, List<String> podNames) {
    workerGroup(rayClusterSpec(), group);
    List<String> known = groupPods(group).stream().map(p -> p.getMetadata().getName()).toList();
    for (String pod : podNames) {
      if (!known.contains(pod)) {
        throw new IllegalArgumentException(
            "RayCluster "
                + namespace
                + "/"
                + name
                + " has no worker pod '"
                + pod
                + "' in group "
                + group
                + "; its pods: "
                + known);
      }
    }
    updateSpec(
        spec -> {
          Map<String, Object> g = workerGroup(spec, group);
          int replicas = g.get("replicas") instanceof Number n ? n.intValue() : 0;
          g.put("replicas", Math.max(0, replicas - podNames.size()));
          Map<String, Object> strategy =
              new LinkedHashMap<>((Map<String, Object>) g.getOrDefault("scaleStrategy", Map.of()));
          strategy.put("workersToDelete", List.copyOf(podNames));
          g.put("scaleStrategy", strategy);
        });
    return this;
  }

  /**
   * Worker pods the operator created and deleted for this cluster so far, oldest first, from its
   * events. On a real cluster an event repeated within minutes is counted once, and the Go client
   * folds more than ten similar events into one: the list is exact for a few scaling steps, a lower
   * bound beyond.
   */
  public List<ScalingEvent> scalingEvents() {
    return new ObjectEvents(backend, namespace, "RayCluster", name)
        .all().stream()
            .map(RayClusterHandle::scalingEvent)
            .filter(Objects::nonNull)
            .sorted(
                Comparator.comparing(
                    ScalingEvent::time, Comparator.nullsFirst(Comparator.naturalOrder())))
            .toList();
  }

  private static ScalingEvent scalingEvent(Event e) {
    String reason = String.valueOf(e.getReason());
    // client-go's event correlator, which the real operator records through, folds the 11th and
    // later similar events of an object within 10 minutes into one and prefixes its message.
    String message =
        String.valueOf(e.getMessage()).replaceFirst("^\\(combined from similar events\\): ", "");
    String time =
        e.getLastTimestamp() != null
            ? e.getLastTimestamp()
            : e.getEventTime() != null ? e.getEventTime().getTime() : null;
    Instant at = time == null ? null : Instant.parse(time);
    boolean legacyWorker =
        message.toLowerCase(Locale.ROOT).contains("worker pod")
            || message.startsWith("Deleted pod ");
    if ("CreatedWorkerPod".equals(reason)
        || "Created".equals(reason) && legacyWorker && message.startsWith("Created")) {
      return new ScalingEvent(true, at, message);
    }
    if ("DeletedWorkerPod".equals(reason)
        || "Deleted".equals(reason) && message.startsWith("Deleted")) {
      return new ScalingEvent(false, at, message);
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> rayClusterSpec() {
    return (Map<String, Object>) get().getAdditionalProperties().getOrDefault("spec", Map.of());
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> workerGroup(Map<String, Object> spec, String group) {
    return ((List<Object>) spec.getOrDefault("workerGroupSpecs", List.of()))
        .stream()
            .map(g -> (Map<String, Object>) g)
            .filter(g -> group.equals(g.get("groupName")))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "RayCluster "
                            + namespace
                            + "/"
                            + name
                            + " has no worker group '"
                            + group
                            + "'"));
  }

  /**
   * Edits the spec, retrying on conflicts: the operator and the autoscaler write the object
   * concurrently.
   */
  @SuppressWarnings("unchecked")
  private void updateSpec(Consumer<Map<String, Object>> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        backend
            .client()
            .genericKubernetesResources(RAY_CLUSTERS)
            .inNamespace(namespace)
            .withName(name)
            .edit(
                r -> {
                  change.accept((Map<String, Object>) r.getAdditionalProperties().get("spec"));
                  return r;
                });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** Deletes the cluster; its pods and service go with it. */
  public void delete() {
    backend
        .client()
        .genericKubernetesResources(RAY_CLUSTERS)
        .inNamespace(namespace)
        .withName(name)
        .delete();
  }

  /** The Ray dashboard of the head (Jobs API on it), as the test JVM reaches it. */
  public URI dashboardUrl() {
    return backend.reach(headPod().get(), 8265);
  }

  /**
   * The Jobs API of the head's dashboard ({@link #dashboardUrl()}), with the cluster's Ray auth
   * token when its spec has {@code authOptions.mode: token} (KubeRay v1.6+): read from the token
   * Secret KubeRay made, or {@code authOptions.secretName}'s. With {@code
   * authOptions.enableK8sTokenAuth} (Ray 2.55+ asks the API server about every token) it is a token
   * of the head pod's service account from the TokenRequest API, as {@code kubectl create token}
   * gives: that account needs {@code ray:write} on the cluster for Ray's own components anyway. Any
   * other identity: {@link RayJobsClient#withAuthToken}.
   *
   * @throws IllegalStateException naming the Secret when the cluster asks for token mode and the
   *     Secret or its {@code auth_token} key is missing, or the service account when no token can
   *     be had for it
   */
  @SuppressWarnings("unchecked")
  public RayJobsClient jobsClient() {
    Object raw = get().getAdditionalProperties().get("spec");
    Map<String, Object> spec = raw instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    RayJobsClient jobs = RayJobsClient.connect(dashboardUrl());
    if (RayAuthToken.tokenMode(spec) && RayAuthToken.k8sDelegated(spec)) {
      return jobs.withAuthToken(serviceAccountToken(headPod().get()));
    }
    return RayAuthToken.read(backend.client(), namespace, name, spec)
        .map(jobs::withAuthToken)
        .orElse(jobs);
  }

  private String serviceAccountToken(Pod head) {
    String account =
        head.getSpec().getServiceAccountName() == null
            ? "default"
            : head.getSpec().getServiceAccountName();
    try {
      return backend
          .client()
          .serviceAccounts()
          .inNamespace(namespace)
          .withName(account)
          .tokenRequest(new TokenRequestBuilder().withNewSpec().endSpec().build())
          .getStatus()
          .getToken();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "Cannot get a token of service account "
              + namespace
              + "/"
              + account
              + " (the head pod's) for "
              + this
              + ", which has authOptions.enableK8sTokenAuth: "
              + e.getMessage()
              + ". Pass a token of an identity with ray:write on the cluster to"
              + " RayJobsClient.withAuthToken instead.",
          e);
    }
  }

  @Override
  public String toString() {
    return "RayCluster " + namespace + "/" + name;
  }
}
