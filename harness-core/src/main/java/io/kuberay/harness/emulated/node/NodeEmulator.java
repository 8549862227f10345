package io.kuberay.harness.emulated.node;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.node.runtime.PodRuntime;
import io.kuberay.harness.emulated.node.runtime.PodRuntimes;
import io.kuberay.harness.emulated.node.sandbox.PodEnvironment;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.support.ContainerTermination;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The emulated node: a scheduler that binds pods that fit its capacity (the rest stay Pending as
 * Unschedulable) and a kubelet that runs bound pods through a {@link PodRuntime} and writes their
 * status.
 */
public final class NodeEmulator implements AutoCloseable {

  static final String NODE_NAME = "kuberay-emulated-node";

  private final KubernetesClient client;
  private final NodeCapacity capacity;
  private final PodRuntimes runtimes;
  private final EventRecorder events;
  private final ReconcileLoop loop;

  /**
   * Pods whose containers this node started, by key, with their uid: a pod replaced under the same
   * name is another pod.
   */
  private final Map<String, String> started = new ConcurrentHashMap<>();

  /**
   * Requests of the pods bound to this node and not finished: the scheduler's accounting, kept in
   * memory.
   */
  private final Map<String, PodRequests> bound = new ConcurrentHashMap<>();

  /** Pods that did not fit; retried when a pod goes away. */
  private final Set<String> unschedulable = ConcurrentHashMap.newKeySet();

  /** Extended resources (GPUs, TPUs, ...) of the bound pods, by key. */
  private final Map<String, Map<String, BigDecimal>> boundExtended = new ConcurrentHashMap<>();

  private final PodPlacement placement;
  // Status writes of one pod come from the node loop and the runtime's threads: serialise them.
  private final Object statusLock = new Object();

  /**
   * Each pod as this node last wrote it: the base of its next status write, so a write needs no
   * read first.
   */
  private final Map<String, Pod> written = new ConcurrentHashMap<>();

  private final AtomicInteger nextIp = new AtomicInteger(10);
  private final ObjectEvents objectEvents;
  private ObjectEvents.Subscription watch;
  private volatile boolean closed;

  public NodeEmulator(
      KubernetesClient client,
      ObjectEvents objectEvents,
      NodeCapacity capacity,
      PodRuntimes runtimes,
      EventRecorder events) {
    this.client = client;
    this.objectEvents = objectEvents;
    this.capacity = capacity;
    this.runtimes = runtimes;
    this.events = events;
    this.loop = new ReconcileLoop("node", this::reconcile);
    this.placement = new PodPlacement(capacity, nodeLabels(capacity));
  }

  /** The node's labels: the well-known ones and those configured. */
  static Map<String, String> nodeLabels(NodeCapacity capacity) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("kubernetes.io/hostname", NODE_NAME);
    labels.put("kubernetes.io/os", "linux");
    labels.put("node-role.kubernetes.io/control-plane", "true");
    labels.putAll(capacity.labels());
    return labels;
  }

  /** The Node object this emulator stands for, created by the API server's bootstrap. */
  public static Map<String, Object> nodeObject(NodeCapacity capacity) {
    Map<String, Object> labels = new LinkedHashMap<>(nodeLabels(capacity));
    Map<String, Object> resources = new LinkedHashMap<>();
    resources.put("cpu", capacity.cpu());
    resources.put("memory", capacity.memory());
    resources.put("pods", "110");
    resources.putAll(capacity.extendedResources());
    Map<String, Object> ready = new LinkedHashMap<>();
    ready.put("type", "Ready");
    ready.put("status", "True");
    ready.put("lastTransitionTime", now());
    ready.put("reason", "KubeletReady");
    ready.put("message", "kubelet is posting ready status");
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("architecture", "amd64");
    info.put("bootID", UUID.randomUUID().toString());
    info.put("containerRuntimeVersion", "kuberay-harness://emulated");
    info.put("kubeletVersion", "v1.31.0-emulated");
    info.put("operatingSystem", "linux");
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("allocatable", resources);
    status.put("capacity", new LinkedHashMap<>(resources));
    status.put("conditions", List.of(ready));
    status.put("nodeInfo", info);
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("apiVersion", "v1");
    node.put("kind", "Node");
    node.put("metadata", new LinkedHashMap<>(Map.of("name", NODE_NAME, "labels", labels)));
    node.put("status", status);
    if (!capacity.taints().isEmpty()) {
      List<Object> taints = new ArrayList<>();
      for (String t : capacity.taints()) {
        String[] parts = NodeCapacity.taint(t);
        Map<String, Object> taint = new LinkedHashMap<>();
        taint.put("key", parts[0]);
        if (!parts[1].isEmpty()) {
          taint.put("value", parts[1]);
        }
        taint.put("effect", parts[2]);
        taints.add(taint);
      }
      node.put("spec", new LinkedHashMap<>(Map.of("taints", taints)));
    }
    return node;
  }

  /**
   * Watches pods; every change, deletion included, is handled on the node's loop (see {@link
   * #reconcile}).
   */
  public NodeEmulator start() {
    watch =
        objectEvents.watch(
            ResourceDefinitions.PODS_REF,
            null,
            (type, pod) -> {
              if (!closed) {
                loop.enqueue(ObjectKeys.of(pod.namespace(), pod.name()));
              }
            });
    return this;
  }

  private void onDeleted(String key) {
    if (started.remove(key) != null) {
      runtimes.stop(ObjectKeys.namespace(key), ObjectKeys.name(key));
    }
    bound.remove(key);
    boundExtended.remove(key);
    unschedulable.remove(key);
    written.remove(key);
    // Freed capacity may let pending pods fit now.
    List.copyOf(unschedulable).forEach(loop::enqueue);
  }

  private void reconcile(String key) {
    Pod current =
        client.pods().inNamespace(ObjectKeys.namespace(key)).withName(ObjectKeys.name(key)).get();
    String startedUid = started.get(key);
    if (current == null
        || (startedUid != null && !startedUid.equals(current.getMetadata().getUid()))) {
      // Gone, or replaced by another pod of the same name: stop what ran for it and free its share
      // of the node.
      onDeleted(key);
    }
    if (current == null || current.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    // A pod this node binds starts right away: the kubelet's reaction to the binding, without
    // another trip through the queue.
    Pod pod = current.getSpec().getNodeName() == null ? schedule(current) : current;
    if (pod == null) {
      return;
    }
    if (finished(pod)) {
      bound.remove(key);
      boundExtended.remove(key);
      List.copyOf(unschedulable).forEach(loop::enqueue);
      return;
    }
    if (started.putIfAbsent(key, pod.getMetadata().getUid()) == null) {
      bound.putIfAbsent(key, PodRequests.requestsOf(pod));
      Pod running = updateStatus(pod, s -> initialStatus(pod, s));
      containerEvents(pod, pod.getSpec().getInitContainers());
      Lifecycle lifecycle = new Lifecycle(key);
      // The runtime gets a copy of its own: the node changes its pods' status in place.
      Pod forRuntime = Json.copy(running == null ? pod : running);
      lifecycle.batched(() -> runtimes.start(forRuntime, lifecycle));
    }
  }

  /**
   * Binds the pod to this node and returns it bound, or leaves it Pending as Unschedulable and
   * returns null.
   */
  private Pod schedule(Pod pod) {
    if (!PodPlacement.forThisScheduler(pod)) {
      // No scheduler of that name runs here: the pod stays Pending without a condition, as on a
      // real cluster.
      return null;
    }
    PodRequests need = PodRequests.requestsOf(pod);
    String key = ObjectKeys.of(pod);
    PodRequests used = new PodRequests(BigDecimal.ZERO, BigDecimal.ZERO);
    for (PodRequests r : bound.values()) {
      used = used.plus(r);
    }
    Map<String, BigDecimal> usedExtended = new LinkedHashMap<>();
    for (Map<String, BigDecimal> r : boundExtended.values()) {
      r.forEach((k, v) -> usedExtended.merge(k, v, BigDecimal::add));
    }
    Optional<String> unfit = placement.unfit(pod, used, usedExtended);
    if (unfit.isPresent()) {
      unschedulable.add(key);
      String message = unfit.get();
      boolean changed =
          pod.getStatus() == null
              || pod.getStatus().getConditions() == null
              || pod.getStatus().getConditions().stream()
                  .noneMatch(c -> message.equals(c.getMessage()));
      if (changed) {
        updateStatus(
            pod,
            s -> {
              s.setPhase("Pending");
              setCondition(s, "PodScheduled", "False", "Unschedulable", message);
            });
        events.warning(pod, "FailedScheduling", message);
      }
      return null;
    }
    boundExtended.put(key, PodPlacement.extendedRequests(pod));
    bound.put(key, need);
    unschedulable.remove(key);
    // The scheduler's binding: sets spec.nodeName without counting as a spec change (the generation
    // stays).
    client
        .bindings()
        .inNamespace(pod.getMetadata().getNamespace())
        .resource(
            new BindingBuilder()
                .withNewMetadata()
                .withName(pod.getMetadata().getName())
                .withNamespace(pod.getMetadata().getNamespace())
                .endMetadata()
                .withNewTarget()
                .withApiVersion("v1")
                .withKind("Node")
                .withName(NODE_NAME)
                .endTarget()
                .build())
        .create();
    Pod scheduled =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .get();
    if (scheduled == null) {
      return null;
    }
    written.put(key, scheduled);
    events.normal(
        pod,
        "Scheduled",
        "Successfully assigned "
            + pod.getMetadata().getNamespace()
            + "/"
            + pod.getMetadata().getName()
            + " to "
            + NODE_NAME);
    return scheduled;
  }

  private static boolean finished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private void initialStatus(Pod pod, PodStatus s) {
    s.setPhase("Pending");
    s.setHostIP(PodEnvironment.NODE_IP);
    s.setPodIP("10.42.0." + nextIp.getAndIncrement() % 250);
    s.setPodIPs(List.of(new PodIP(s.getPodIP())));
    s.setStartTime(now());
    s.setQosClass(PodRequests.qosClass(pod));
    setCondition(s, "PodReadyToStartContainers", "True", null, null);
    setCondition(s, "PodScheduled", "True", null, null);
    boolean hasInit =
        pod.getSpec().getInitContainers() != null && !pod.getSpec().getInitContainers().isEmpty();
    setCondition(
        s,
        "Initialized",
        hasInit ? "False" : "True",
        hasInit ? "ContainersNotInitialized" : null,
        null);
    setCondition(
        s,
        "Ready",
        "False",
        "ContainersNotReady",
        "containers with unready status: " + names(pod.getSpec().getContainers()));
    setCondition(
        s,
        "ContainersReady",
        "False",
        "ContainersNotReady",
        "containers with unready status: " + names(pod.getSpec().getContainers()));
    if (hasInit) {
      List<ContainerStatus> init = new ArrayList<>();
      for (Container c : pod.getSpec().getInitContainers()) {
        init.add(waiting(c, "PodInitializing"));
      }
      s.setInitContainerStatuses(init);
    }
    List<ContainerStatus> main = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      main.add(waiting(c, hasInit ? "PodInitializing" : "ContainerCreating"));
    }
    s.setContainerStatuses(main);
    KubeletStatus.describe(pod, s);
  }

  /** The kubelet's events as it starts containers whose image is present. */
  private void containerEvents(Pod pod, List<Container> containers) {
    if (containers == null) {
      return;
    }
    for (Container c : containers) {
      events.normal(
          pod, "Pulled", "Container image \"" + c.getImage() + "\" already present on machine");
      events.normal(pod, "Created", "Created container: " + c.getName());
      events.normal(pod, "Started", "Started container " + c.getName());
    }
  }

  private static String names(List<Container> containers) {
    return "[" + String.join(" ", containers.stream().map(Container::getName).toList()) + "]";
  }

  private static ContainerStatus waiting(Container c, String reason) {
    return new ContainerStatusBuilder()
        .withName(c.getName())
        .withImage(c.getImage())
        .withImageID("")
        .withReady(false)
        .withStarted(false)
        .withRestartCount(0)
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .endWaiting()
        .endState()
        .build();
  }

  /**
   * One status write (PUT pods/status) on top of the pod as this node last saw it; when someone
   * else changed the pod in between (409 Conflict) it reads the pod again and retries, as kubelets
   * do. Returns the pod as written, or null when it is gone.
   */
  Pod updateStatus(Pod pod, Consumer<PodStatus> change) {
    String key = ObjectKeys.of(pod);
    synchronized (statusLock) {
      // Changed in place: both candidates are this node's own copies (a fresh read, or the last
      // write's answer).
      Pod base = newer(written.get(key), pod);
      for (int attempt = 1; ; attempt++) {
        Pod next = base;
        if (next.getStatus() == null) {
          next.setStatus(new PodStatus());
        }
        change.accept(next.getStatus());
        try {
          Pod result =
              client
                  .pods()
                  .inNamespace(next.getMetadata().getNamespace())
                  .resource(next)
                  .updateStatus();
          written.put(key, result);
          return result;
        } catch (KubernetesClientException e) {
          if (e.getCode() == 404) {
            written.remove(key);
            return null;
          }
          if (e.getCode() != 409 || attempt >= 10) {
            throw e;
          }
          base =
              client
                  .pods()
                  .inNamespace(next.getMetadata().getNamespace())
                  .withName(next.getMetadata().getName())
                  .get();
          if (base == null) {
            written.remove(key);
            return null;
          }
        }
      }
    }
  }

  /** The later of two versions of a pod (by resourceVersion; one may be null). */
  private static Pod newer(Pod a, Pod b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return Long.parseLong(a.getMetadata().getResourceVersion())
            >= Long.parseLong(b.getMetadata().getResourceVersion())
        ? a
        : b;
  }

  static void setCondition(PodStatus s, String type, String status, String reason, String message) {
    List<PodCondition> conditions =
        s.getConditions() == null ? new ArrayList<>() : new ArrayList<>(s.getConditions());
    PodCondition existing =
        conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    if (existing != null
        && status.equals(existing.getStatus())
        && Objects.equals(reason, existing.getReason())
        && Objects.equals(message, existing.getMessage())) {
      return;
    }
    // The kubelet moves lastTransitionTime only when the status changes (updateLastTransitionTime).
    String transition =
        existing != null && status.equals(existing.getStatus())
            ? existing.getLastTransitionTime()
            : now();
    int at = existing == null ? conditions.size() : conditions.indexOf(existing);
    conditions.remove(existing);
    conditions.add(
        at,
        new PodConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withLastTransitionTime(transition)
            .build());
    s.setConditions(conditions);
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    closed = true;
    if (watch != null) {
      watch.close();
    }
    loop.close();
    started.keySet().forEach(k -> runtimes.stop(ObjectKeys.namespace(k), ObjectKeys.name(k)));
    started.clear();
  }

  /**
   * Turns runtime callbacks into pod status, as the kubelet's status manager does: what a runtime
   * reports while it starts the pod (for simulated containers: initialized, started and ready at
   * once) is written as one status update, as the status manager syncs a pod once per change it
   * observes; later callbacks (processes that start, become ready or exit) are one write each.
   */
  private final class Lifecycle implements PodRuntime.PodLifecycle {
    private final String key;

    /**
     * Containers whose status is their own (see {@link #sidecarExited}); the rest follow the first.
     */
    private final Set<String> sidecars = ConcurrentHashMap.newKeySet();

    /** Changes collected while the runtime starts the pod; null once it has. Guarded by this. */
    private List<Consumer<PodStatus>> batch;

    Lifecycle(String key) {
      this.key = key;
    }

    void batched(Runnable start) {
      synchronized (this) {
        batch = new ArrayList<>();
      }
      try {
        start.run();
      } finally {
        synchronized (this) {
          List<Consumer<PodStatus>> changes = batch;
          batch = null;
          if (!changes.isEmpty()) {
            write(s -> changes.forEach(c -> c.accept(s)));
          }
        }
      }
    }

    private synchronized void update(Consumer<PodStatus> change) {
      if (batch != null) {
        batch.add(change);
      } else {
        write(change);
      }
    }

    private void write(Consumer<PodStatus> change) {
      Pod pod = written.get(key);
      if (pod == null) {
        pod =
            client
                .pods()
                .inNamespace(ObjectKeys.namespace(key))
                .withName(ObjectKeys.name(key))
                .get();
      }
      if (pod != null && pod.getMetadata().getDeletionTimestamp() == null) {
        Pod spec = pod;
        updateStatus(
            pod,
            s -> {
              change.accept(s);
              KubeletStatus.describe(spec, s);
            });
      }
    }

    @Override
    public void initContainersDone() {
      update(
          s -> {
            if (s.getInitContainerStatuses() != null) {
              for (ContainerStatus cs : s.getInitContainerStatuses()) {
                cs.setReady(true);
                cs.setStarted(false);
                cs.setState(
                    new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(0)
                        .withReason("Completed")
                        .withStartedAt(now())
                        .withFinishedAt(now())
                        .endTerminated()
                        .build());
              }
            }
            setCondition(s, "Initialized", "True", null, null);
          });
    }

    @Override
    public void containersStarted() {
      update(
          s -> {
            s.setPhase("Running");
            for (ContainerStatus cs : s.getContainerStatuses()) {
              cs.setStarted(true);
              cs.setContainerID("emulated://" + ObjectKeys.name(key) + "/" + cs.getName());
              cs.setState(
                  new ContainerStateBuilder()
                      .withNewRunning()
                      .withStartedAt(now())
                      .endRunning()
                      .build());
            }
          });
      Pod pod = written.get(key);
      if (pod != null) {
        containerEvents(pod, pod.getSpec().getContainers());
      }
    }

    @Override
    public void readiness(boolean ready) {
      update(
          s -> {
            for (ContainerStatus cs : s.getContainerStatuses()) {
              if (!sidecars.contains(cs.getName())) {
                cs.setReady(ready);
              }
            }
            SidecarStatus.conditions(s);
          });
    }

    @Override
    public void exited(int exitCode, String reason) {
      update(
          s -> {
            for (ContainerStatus cs : s.getContainerStatuses()) {
              if (sidecars.contains(cs.getName())) {
                continue;
              }
              cs.setReady(false);
              cs.setLastState(
                  new ContainerStateBuilder()
                      .withNewTerminated()
                      .withContainerID(cs.getContainerID())
                      .withExitCode(exitCode)
                      .withReason(reason)
                      .withFinishedAt(now())
                      .endTerminated()
                      .build());
              cs.setState(
                  new ContainerStateBuilder()
                      .withNewWaiting()
                      .withReason("CrashLoopBackOff")
                      .withMessage("back-off restarting failed container " + cs.getName())
                      .endWaiting()
                      .build());
            }
            SidecarStatus.conditions(s);
          });
    }

    @Override
    public void terminated(int exitCode, String reason) {
      String podReason = exitCode == 0 ? "PodCompleted" : "PodFailed";
      update(
          s -> {
            s.setPhase(exitCode == 0 ? "Succeeded" : "Failed");
            for (ContainerStatus cs : s.getContainerStatuses()) {
              ContainerTermination.terminate(cs, exitCode, reason, now());
            }
            setCondition(s, "PodReadyToStartContainers", "False", null, null);
            if (exitCode == 0) {
              // GeneratePodInitializedCondition: a Succeeded pod's Initialized says PodCompleted.
              setCondition(s, "Initialized", "True", podReason, null);
            }
            setCondition(s, "Ready", "False", podReason, null);
            setCondition(s, "ContainersReady", "False", podReason, null);
          });
    }

    @Override
    public void warning(String reason, String message) {
      Pod pod = written.get(key);
      if (pod != null) {
        events.warning(pod, reason, message);
      }
    }

    @Override
    public void normal(String reason, String message) {
      Pod pod = written.get(key);
      if (pod != null) {
        events.normal(pod, reason, message);
      }
    }

    @Override
    public void imageUnavailable(String reason, String message) {
      update(
          s -> {
            for (ContainerStatus cs : s.getContainerStatuses()) {
              cs.setState(
                  new ContainerStateBuilder()
                      .withNewWaiting()
                      .withReason(reason)
                      .withMessage(message)
                      .endWaiting()
                      .build());
            }
            String names =
                "containers with unready status: ["
                    + String.join(
                        " ",
                        s.getContainerStatuses().stream().map(ContainerStatus::getName).toList())
                    + "]";
            setCondition(s, "ContainersReady", "False", "ContainersNotReady", names);
            setCondition(s, "Ready", "False", "ContainersNotReady", names);
          });
      warning("Failed", "Failed to pull image: " + message);
    }

    @Override
    public void configError(String message) {
      update(
          s -> {
            for (ContainerStatus cs : s.getContainerStatuses()) {
              cs.setState(
                  new ContainerStateBuilder()
                      .withNewWaiting()
                      .withReason("CreateContainerConfigError")
                      .withMessage(message)
                      .endWaiting()
                      .build());
            }
          });
      warning("Failed", "Error: " + message);
    }

    @Override
    public void mountsUnavailable(String message) {
      update(
          s ->
              setCondition(s, "PodReadyToStartContainers", "False", "VolumesUnavailable", message));
      warning("FailedMount", message);
    }

    @Override
    public void sidecarExited(String container, int exitCode, Duration backOff) {
      sidecars.add(container);
      Pod pod = written.get(key);
      if (pod != null) {
        String podRef = ObjectKeys.kubeletRef(pod);
        update(s -> SidecarStatus.exited(s, container, exitCode, backOff, podRef, now()));
      }
    }

    @Override
    public void sidecarRunning(String container, int restartCount) {
      sidecars.add(container);
      update(s -> SidecarStatus.running(s, container, restartCount, now()));
    }

    @Override
    public void restarted(int restartCount) {
      update(
          s -> {
            for (ContainerStatus cs : s.getContainerStatuses()) {
              if (sidecars.contains(cs.getName())) {
                continue;
              }
              cs.setRestartCount(restartCount);
              cs.setState(
                  new ContainerStateBuilder()
                      .withNewRunning()
                      .withStartedAt(now())
                      .endRunning()
                      .build());
            }
          });
    }
  }
}
