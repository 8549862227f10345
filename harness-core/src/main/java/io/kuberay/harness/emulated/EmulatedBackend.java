package io.kuberay.harness.emulated;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.Waits;
import io.kuberay.harness.backend.ClusterBackend;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.emulated.api.ApiDispatcher;
import io.kuberay.harness.emulated.api.ApiPath;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.node.JobController;
import io.kuberay.harness.emulated.node.NodeEmulator;
import io.kuberay.harness.emulated.node.NodeReboot;
import io.kuberay.harness.emulated.node.runtime.PodRuntime;
import io.kuberay.harness.emulated.node.runtime.PodRuntimes;
import io.kuberay.harness.emulated.node.runtime.RayProcessPodRuntime;
import io.kuberay.harness.emulated.node.runtime.ServiceAddresses;
import io.kuberay.harness.emulated.node.runtime.SimulatedPodRuntime;
import io.kuberay.harness.emulated.node.sandbox.InClusterApi;
import io.kuberay.harness.emulated.node.sandbox.MountNamespaces;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.workloads.WorkloadControllers;
import io.kuberay.harness.emulated.operator.OperatorFlavor;
import io.kuberay.harness.emulated.operator.RayClusterController;
import io.kuberay.harness.emulated.operator.RayJobController;
import io.kuberay.harness.emulated.operator.rayservice.RayServiceController;
import io.kuberay.harness.emulated.operator.rayservice.ServePorts;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.streaming.ApiFront;
import io.kuberay.harness.emulated.streaming.PodStreams;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.LogSelection;
import io.kuberay.harness.emulated.support.PodContainers;
import io.kuberay.harness.emulated.support.QueryString;
import io.kuberay.harness.install.Settings;
import io.kuberay.harness.ray.process.RayRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The emulated backend: an in-JVM Kubernetes API, an emulated node (scheduler + kubelet) and, once
 * KubeRay is installed, the emulated operator of that release.
 */
public final class EmulatedBackend implements ClusterBackend {

  /**
   * The API's loopback port (0: a free one), read when the backend starts; {@code up --port} sets
   * it.
   */
  public static final String API_PORT_PROPERTY = "kuberay.api.port";

  private final EmulatedApiServer api;
  private final PodRuntimes runtimes;
  private final PodFilesystems files;
  private NodeEmulator node;
  private JobController jobs;
  private WorkloadControllers workloads;
  private volatile ApiFront front;
  private OperatorDeployments operators;
  private final ServePorts servePorts = new ServePorts();
  private String operatorNamespace = "default";

  private EmulatedBackend(EmulatedApiServer api, PodRuntimes runtimes, PodFilesystems files) {
    this.api = api;
    this.runtimes = runtimes;
    this.files = files;
  }

  /**
   * Starts the API server and the node; Ray pods, if any, keep their logs under {@code workDir}.
   */
  public static EmulatedBackend start(EnvironmentSettings settings, Path workDir) {
    // KubeRay's bundle is read and parsed (once per JVM) while the API server and the node start.
    OperatorInstaller.prepare(settings);
    EmulatedApiServer api = new EmulatedApiServer();
    PodFilesystems files =
        new PodFilesystems(
            workDir.resolve("pod-files"),
            api::client,
            settings.nodeCapacity(),
            MountNamespaces.probe(),
            PodFilesystems.skipVolumes(Settings.get(MountNamespaces.VOLUMES_PROPERTY)),
            settings.userImages());
    // Service names resolve through the node's runtimes, which are made after the Ray runtime.
    AtomicReference<PodRuntimes> node = new AtomicReference<>();
    ServiceAddresses services =
        new ServiceAddresses(api::client, (pod, port) -> node.get().address(pod, port));
    Path podLogs = workDir.resolve("pods");
    PodRuntime ray =
        rayRuntime(settings, podLogs, files, pod -> clusterRayVersion(api.client(), pod), services);
    Optional<RayRuntime> defaultRay =
        ray == null ? Optional.empty() : Optional.of(RayRuntime.resolve());
    node.set(
        new PodRuntimes(
            ray,
            PodRuntimes.redis(files, podLogs),
            new SimulatedPodRuntime(files),
            PodRuntimes.completion(
                files,
                podLogs,
                settings.userImages(),
                defaultRay,
                pod -> clusterRayVersion(api.client(), pod),
                services),
            pod -> JobController.isJobPod(api.client(), pod),
            pod -> WorkloadControllers.controlsPod(api.client(), pod)));
    EmulatedBackend backend = new EmulatedBackend(api, node.get(), files);
    try {
      Endpoints endpoints = backend.new Endpoints();
      backend.api.dispatcher().podEndpoints(endpoints);
      // kubectl and every kubeconfig client reach the API over HTTPS with the environment's token
      // (see ApiFront).
      backend.front = ApiFront.start(backend.api.dispatcher(), endpoints, apiPort());
      backend.api.start(backend.front.url(), backend.front.caPem());
      ApiFront front = backend.front;
      // Pods reach the front as in-cluster clients: with their service account's token and the
      // front's CA.
      files.serveApiAt(
          new InClusterApi(
              InetAddress.getLoopbackAddress().getHostAddress(),
              front.port(),
              backend.api.dispatcher().serviceAccountTokens()));
      KubernetesClient client = backend.api.client();
      files.watch(backend.api);
      ClientWarmup.start(client.getKubernetesSerialization());
      backend.api.create(NodeEmulator.nodeObject(settings.nodeCapacity()));
      backend.jobs =
          new JobController(client, backend.api, new EventRecorder(backend.api, "job-controller"))
              .start();
      backend.workloads =
          WorkloadControllers.start(
              client,
              backend.api,
              component -> new EventRecorder(backend.api, component),
              d -> OperatorDeployments.operatorImage(Json.toMap(d)).isPresent());
      backend.node =
          new NodeEmulator(
                  client,
                  backend.api,
                  settings.nodeCapacity(),
                  backend.runtimes,
                  new EventRecorder(backend.api, "kubelet"))
              .start();
      return backend;
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  /**
   * {@code kuberay.api.port}: the loopback port kubeconfig clients reach the API on; 0 (the
   * default) picks a free one.
   */
  private static int apiPort() {
    String text = Settings.get(API_PORT_PROPERTY).orElse("0");
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        API_PORT_PROPERTY
            + "="
            + text
            + " is not a port; use a number from 1 to 65535, or 0 for a free one");
  }

  /**
   * The {@code spec.rayVersion} of the pod's RayCluster (the {@code ray.io/cluster} label), if it
   * has one.
   */
  private static Optional<String> clusterRayVersion(KubernetesClient client, Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String cluster = labels == null ? null : labels.get(Labels.CLUSTER);
    if (cluster == null) {
      return Optional.empty();
    }
    GenericKubernetesResource rc =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(cluster)
            .get();
    Object spec = rc == null ? null : rc.getAdditionalProperties().get("spec");
    return spec instanceof Map<?, ?> m && m.get("rayVersion") instanceof String v
        ? Optional.of(v)
        : Optional.empty();
  }

  private static PodRuntime rayRuntime(
      EnvironmentSettings settings,
      Path logDir,
      PodFilesystems files,
      Function<Pod, Optional<String>> clusterRayVersion,
      ServiceAddresses services) {
    if (settings.rayMode() == RayMode.OFF) {
      return null;
    }
    int standbys =
        RayProcessPodRuntime.standbyCount(Settings.get(RayProcessPodRuntime.STANDBYS_PROPERTY));
    RayRuntime runtime = RayRuntime.resolve();
    if (!runtime.isAvailable()) {
      if (settings.rayMode() == RayMode.REQUIRED) {
        throw new IllegalStateException(
            "kuberay.ray=required, but Ray is unavailable: "
                + runtime.unavailableReason().orElse("unknown reason"));
      }
      return null;
    }
    return new RayProcessPodRuntime(
        runtime,
        createDirectory(logDir),
        standbys,
        files,
        clusterRayVersion,
        settings.userImages(),
        services);
  }

  private static Path createDirectory(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory for pod logs: " + dir, e);
    }
  }

  @Override
  public int restartNode() {
    NodeReboot reboot = new NodeReboot(api.client(), new EventRecorder(api, "kubelet"));
    reboot.down();
    int killed = runtimes.killAll();
    reboot.up();
    return killed;
  }

  @Override
  public KubernetesClient client() {
    return api.client();
  }

  @Override
  public String kubeconfig() {
    return front.credentials().kubeconfig(front.url());
  }

  @Override
  public synchronized void installKubeRay(EnvironmentSettings settings) {
    if (operators != null) {
      throw new IllegalStateException("KubeRay is already installed in this emulated cluster");
    }
    // The operator's Deployment starts the operator, whoever installed it: the user (kubectl
    // create -k, helm install) or the harness.
    operators = new OperatorDeployments(api, this::startOperator).start();
    if (settings.installMethod() == InstallMethod.NONE) {
      return;
    }
    operatorNamespace = new OperatorInstaller(api).install(settings);
    String deployment =
        "/apis/apps/v1/namespaces/" + operatorNamespace + "/deployments/kuberay-operator";
    Waits.until(
        "Deployment " + operatorNamespace + "/kuberay-operator",
        "its emulated KubeRay " + settings.kuberayVersion() + " operator started",
        Duration.ofSeconds(30),
        operators::isRunning,
        started -> started,
        started ->
            "not started; status " + api.read(deployment).map(d -> d.get("status")).orElse(null),
        null);
  }

  /**
   * The emulated operator of a release: its three controllers, reconciling every namespace until
   * closed.
   */
  private AutoCloseable startOperator(OperatorFlavor flavor) {
    RayClusterController rayClusters =
        new RayClusterController(
                api.client(), api, flavor, new EventRecorder(api, "raycluster-controller"))
            .start();
    RayJobController rayJobs =
        new RayJobController(
                api.client(),
                api,
                flavor,
                new EventRecorder(api, "rayjob-controller"),
                this::dashboard)
            .start();
    RayServiceController rayServices =
        new RayServiceController(
                api.client(),
                api,
                flavor,
                new EventRecorder(api, "rayservice-controller"),
                this::dashboard,
                servePorts)
            .start();
    return () -> {
      rayServices.close();
      rayJobs.close();
      rayClusters.close();
    };
  }

  @Override
  public String operatorNamespace() {
    return operators != null ? operators.namespace().orElse(operatorNamespace) : operatorNamespace;
  }

  @Override
  public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
    return runtimes.exec(pod, container, command, timeout);
  }

  @Override
  public String logs(Pod pod, String container) {
    return runtimes.logs(pod, container);
  }

  @Override
  public URI reach(Pod pod, int containerPort) {
    // A head's Serve proxy listens on its cluster's own loopback port (see ServePorts).
    return servePorts
        .address(pod, containerPort)
        .orElseGet(() -> runtimes.reach(pod, containerPort));
  }

  /**
   * The head pod's dashboard, when its Ray process runs: what {@code <head-svc>.<ns>.svc:8265}
   * reaches in a cluster.
   */
  private Optional<URI> dashboard(String namespace, String cluster) {
    return api
        .client()
        .pods()
        .inNamespace(namespace)
        .withLabel("ray.io/cluster", cluster)
        .withLabel("ray.io/node-type", "head")
        .list()
        .getItems()
        .stream()
        .findFirst()
        .flatMap(runtimes::rayDashboard);
  }

  @Override
  public void close() {
    if (operators != null) {
      operators.close();
    }
    if (workloads != null) {
      workloads.close();
    }
    if (jobs != null) {
      jobs.close();
    }
    // The environment goes as a whole, as a k3s container does on docker rm -f: no pod is told to
    // shut down, and none restarts.
    runtimes.halt();
    if (node != null) {
      node.close();
    }
    runtimes.close();
    files.close();
    api.close();
    if (front != null) {
      front.close();
    }
  }

  /**
   * Serves pods/log from the node's runtimes, and exec and port-forward through the {@link
   * ApiFront}.
   */
  private final class Endpoints implements ApiDispatcher.PodEndpoints, PodStreams {
    @Override
    public Optional<String> logs(String namespace, String name, QueryString query) {
      Pod pod = api.client().pods().inNamespace(namespace).withName(name).get();
      if (pod == null) {
        return Optional.empty();
      }
      // As the front serves it: kube-apiserver resolves the container, the kubelet the instance.
      String container = PodContainers.resolve(pod, query.first("container"));
      String log = runtimes.logs(pod, container, query.flag("previous"));
      return Optional.of(LogSelection.select(log, query));
    }

    @Override
    public Optional<MockResponse> stream(RecordedRequest request, ApiPath path) {
      // Reached only by the in-process client (the front serves the upgrades itself).
      return Optional.of(
          ApiErrors.unsupported(
              "pods/" + path.subresource() + " through the environment's own client",
              "Use PodHandle.exec(...), or connect through the emulated cluster's kubeconfig ("
                  + (front == null ? "not started" : front.url())
                  + "), whose server speaks the exec and port-forward protocols."));
    }

    @Override
    public Optional<Pod> pod(String namespace, String name) {
      return Optional.ofNullable(api.client().pods().inNamespace(namespace).withName(name).get());
    }

    @Override
    public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
      return runtimes.exec(pod, container, command, timeout);
    }

    @Override
    public ExecProcess start(Pod pod, String container, List<String> command, boolean tty) {
      return runtimes.start(pod, container, command, tty);
    }

    @Override
    public String logs(Pod pod, String container) {
      return runtimes.logs(pod, container);
    }

    @Override
    public String logs(Pod pod, String container, boolean previous) {
      return runtimes.logs(pod, container, previous);
    }

    @Override
    public URI reach(Pod pod, int containerPort) {
      return EmulatedBackend.this.reach(pod, containerPort); // Serve proxies included
    }
  }
}
