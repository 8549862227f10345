package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds head and worker pods as the operator's {@code BuildPod} does for the selected release. */
final class PodFactory {

  static final String RAY_CONTAINER_INDEX_NOTE = "the Ray container is the first container";
  static final String OVERWRITE_CMD = "ray.io/overwrite-container-cmd";
  private static final String RAY_LOGS = "ray-logs";
  private static final String SERVE_LABEL = "ray.io/serve";
  private static final int DEFAULT_SERVING_PORT = 8000;
  private static final String RAY_LOGS_PATH = "/tmp/ray";

  private final OperatorFlavor flavor;
  private final GeneratedStartCommand startCommand;

  PodFactory(OperatorFlavor flavor) {
    this.flavor = flavor;
    this.startCommand = new GeneratedStartCommand(flavor);
  }

  Pod headPod(RayClusterView cluster, String headServiceName) {
    PodTemplateSpec template = cluster.headTemplate();
    Map<String, String> labels =
        Labels.pod(
            cluster.name(),
            "head",
            Labels.HEAD_GROUP,
            withGroupLabels(template, cluster.headGroupLabels()));
    serveLabel(cluster, labels, true);
    Pod pod = basePod(cluster, template, flavor.headGenerateName(cluster.name()), labels);
    Container ray = pod.getSpec().getContainers().get(0);
    String fqdn = fqdn(headServiceName, cluster.namespace());
    Map<String, String> headParams = new LinkedHashMap<>(cluster.headStartParams());
    if (flavor.readsGroupResourcesAndLabels()) {
      GroupRayParams.applyResources(headParams, cluster.headGroupResources());
      GroupRayParams.applyLabels(headParams, cluster.headGroupLabels());
    }
    if (cluster.autoscaling()) {
      // The monitor of `ray start` cannot scale a Kubernetes cluster: the autoscaler sidecar does
      // it instead.
      headParams.put("no-monitor", "true");
      new AutoscalerSidecar(flavor, cluster).addTo(pod.getSpec());
    }
    new GcsFaultTolerance(flavor, cluster).addHeadParams(headParams);
    Map<String, String> params = startCommand.params(true, headParams, ray, null);
    configureRayContainer(pod, ray, true, params, fqdn, cluster);
    if (cluster.autoscaling()) {
      // The autoscaler writes its logs and events where the head reads them: a shared /tmp/ray.
      addEmptyDir(pod, ray, RAY_LOGS, RAY_LOGS_PATH);
      addEmptyDir(
          pod,
          pod.getSpec().getContainers().get(pod.getSpec().getContainers().size() - 1),
          RAY_LOGS,
          RAY_LOGS_PATH);
    }
    pod.getSpec().getInitContainers().forEach(init -> addRayIp(init, fqdn));
    return pod;
  }

  Pod workerPod(RayClusterView cluster, RayClusterView.WorkerGroup group, String headServiceName) {
    PodTemplateSpec template = group.template();
    Map<String, String> labels =
        Labels.pod(
            cluster.name(), "worker", group.name(), withGroupLabels(template, group.groupLabels()));
    serveLabel(cluster, labels, false);
    Pod pod =
        basePod(cluster, template, flavor.workerGenerateName(cluster.name(), group.name()), labels);
    Container ray = pod.getSpec().getContainers().get(0);
    // The operator builds wait-gcs-ready from the container as the user wrote it, before injecting
    // anything.
    Container asWritten = Json.copy(ray);
    String fqdn = fqdn(headServiceName, cluster.namespace());
    String gcsPort =
        cluster
            .headStartParams()
            .getOrDefault("port", Integer.toString(GeneratedStartCommand.DEFAULT_GCS_PORT));
    Map<String, String> workerParams = new LinkedHashMap<>(group.rayStartParams());
    if (flavor.readsGroupResourcesAndLabels()) {
      GroupRayParams.applyResources(workerParams, group.groupResources());
      GroupRayParams.applyLabels(workerParams, group.groupLabels());
    }
    Map<String, String> params =
        startCommand.params(false, workerParams, ray, fqdn + ":" + gcsPort);
    if (cluster.autoscaling()) {
      new AutoscalerSidecar(flavor, cluster).addToWorker(pod.getSpec());
    }
    configureRayContainer(pod, ray, false, params, fqdn, cluster);
    Container waitGcsReady = waitGcsReady(asWritten, fqdn, gcsPort);
    new TokenAuth(flavor, cluster).configureContainer(waitGcsReady);
    pod.getSpec().getInitContainers().add(waitGcsReady);
    pod.getSpec().getInitContainers().forEach(init -> addRayIp(init, fqdn));
    return pod;
  }

  /**
   * v1.5.0+ {@code mergeLabels}: the group's {@code labels} field over the template's labels, under
   * KubeRay's own.
   */
  private PodTemplateSpec withGroupLabels(
      PodTemplateSpec template, Map<String, String> groupLabels) {
    if (!flavor.readsGroupResourcesAndLabels() || groupLabels.isEmpty()) {
      return template;
    }
    PodTemplateSpec merged = Json.copy(template);
    if (merged.getMetadata() == null) {
      merged.setMetadata(new ObjectMeta());
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (merged.getMetadata().getLabels() != null) {
      labels.putAll(merged.getMetadata().getLabels());
    }
    labels.putAll(groupLabels);
    merged.getMetadata().setLabels(labels);
    return merged;
  }

  /**
   * BuildPod (common/pod.go, v1.1.0 to v1.7.0): a RayService's pods start with {@code ray.io/serve}
   * over the template's, workers {@code "true"} (their readiness probe checks the proxy), the head
   * {@code "false"} until the RayService controller has seen its proxy healthy.
   */
  private static void serveLabel(RayClusterView cluster, Map<String, String> labels, boolean head) {
    if ("RayService".equals(crdOf(cluster))) {
      labels.put(SERVE_LABEL, String.valueOf(!head));
    }
  }

  static String fqdn(String service, String namespace) {
    return service + "." + namespace + ".svc.cluster.local";
  }

  private Pod basePod(
      RayClusterView cluster,
      PodTemplateSpec template,
      String generateName,
      Map<String, String> labels) {
    PodSpec spec = template.getSpec() == null ? new PodSpec() : Json.copy(template.getSpec());
    if (spec.getContainers() == null || spec.getContainers().isEmpty()) {
      throw new IllegalStateException(
          "RayCluster "
              + cluster.namespace()
              + "/"
              + cluster.name()
              + " has a pod template without containers");
    }
    if (spec.getInitContainers() == null) {
      spec.setInitContainers(new ArrayList<>());
    }
    if (spec.getVolumes() == null) {
      spec.setVolumes(new ArrayList<>());
    }
    // The pod's labels are its template's and labelPod's own (common/pod.go, v1.1.0-v1.7.0): a
    // RayJob's or RayService's ray.io/originated-from-* labels stay on the RayCluster.
    Map<String, String> annotations = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
      annotations.putAll(template.getMetadata().getAnnotations());
    }
    if ("true".equalsIgnoreCase(cluster.annotations().get(OVERWRITE_CMD))) {
      // initTemplateAnnotations: the cluster's annotation reaches every pod template, where
      // BuildPod reads it.
      annotations.put(OVERWRITE_CMD, "true");
    }
    new GcsFaultTolerance(flavor, cluster)
        .annotate(annotations, generateName.equals(flavor.headGenerateName(cluster.name())));
    return new PodBuilder()
        .withNewMetadata()
        .withGenerateName(generateName)
        .withNamespace(cluster.namespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(owner(cluster))
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  static OwnerReference owner(RayClusterView cluster) {
    return new OwnerReferenceBuilder()
        .withApiVersion("ray.io/v1")
        .withKind("RayCluster")
        .withName(cluster.name())
        .withUid(cluster.uid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private void configureRayContainer(
      Pod pod,
      Container ray,
      boolean head,
      Map<String, String> params,
      String fqdn,
      RayClusterView cluster) {
    String generated = startCommand.render(head, params);
    boolean overwrite =
        "true"
            .equalsIgnoreCase(
                pod.getMetadata().getAnnotations().getOrDefault(OVERWRITE_CMD, "false"));
    if (!overwrite && !GeneratedStartCommand.userStartsRay(ray)) {
      ray.setArgs(new ArrayList<>(List.of(startCommand.containerArg(ray, generated))));
      ray.setCommand(new ArrayList<>(List.of("/bin/bash", flavor.shellFlag(), "--")));
    }
    ray.setEnv(
        env(
            ray.getEnv(),
            head,
            generated,
            fqdn,
            cluster,
            params,
            pod.getMetadata().getAnnotations()));
    List<ContainerPort> ports =
        ray.getPorts() == null ? new ArrayList<>() : new ArrayList<>(ray.getPorts());
    if (ports.stream().noneMatch(p -> "metrics".equals(p.getName()))) {
      ports.add(
          new ContainerPortBuilder()
              .withName("metrics")
              .withContainerPort(8080)
              .withProtocol("TCP")
              .build());
    }
    ray.setPorts(ports);
    if (ray.getLivenessProbe() == null) {
      ray.setLivenessProbe(probe(head, 30, 120));
    }
    if (ray.getReadinessProbe() == null) {
      Probe readiness = probe(head, 10, 10);
      if (!head && "RayService".equals(crdOf(cluster))) {
        proxyCheck(readiness, ray);
      }
      ray.setReadinessProbe(readiness);
    }
    // configureTokenAuth runs in the pod template's defaults, before BuildPod's /dev/shm.
    new TokenAuth(flavor, cluster).configurePod(pod.getSpec());
    addSharedMemory(pod, ray);
  }

  private List<EnvVar> env(
      List<EnvVar> user,
      boolean head,
      String generated,
      String fqdn,
      RayClusterView cluster,
      Map<String, String> params,
      Map<String, String> annotations) {
    List<EnvVar> env = user == null ? new ArrayList<>() : new ArrayList<>(user);
    GcsFaultTolerance ft = new GcsFaultTolerance(flavor, cluster);
    env.addAll(ft.templateEnv(env, head, cluster.headStartParams(), annotations));
    new TokenAuth(flavor, cluster).addEnv(env);
    if (!head) {
      env.add(new EnvVar("FQ_RAY_IP", fqdn, null));
      env.add(new EnvVar("RAY_IP", rayIp(fqdn), null));
    }
    env.add(fieldRef("RAY_CLUSTER_NAME", "metadata.labels['ray.io/cluster']"));
    if (flavor.setsClusterNamespace()) {
      env.add(fieldRef("RAY_CLUSTER_NAMESPACE", "metadata.namespace"));
    }
    env.add(fieldRef("RAY_CLOUD_INSTANCE_ID", "metadata.name"));
    env.add(fieldRef("RAY_NODE_TYPE_NAME", "metadata.labels['ray.io/group']"));
    env.add(new EnvVar("KUBERAY_GEN_RAY_START_CMD", generated, null));
    String port =
        head ? params.getOrDefault("port", "6379") : params.get("address").replaceAll(".*:", "");
    addIfAbsent(env, "RAY_PORT", port);
    if ("RayService".equals(crdOf(cluster))) {
      // setContainerEnvVars (common/pod.go, v1.1.0 to v1.7.0): the Ray container of every pod of a
      // RayService's cluster, head and workers, fails fast for the service's SLA; a user's value
      // wins.
      addIfAbsent(env, "RAY_timeout_ms_task_wait_for_death_info", "0");
      addIfAbsent(env, "RAY_gcs_server_request_timeout_seconds", "5");
      addIfAbsent(env, "RAY_SERVE_KV_TIMEOUT_S", "5");
    }
    addIfAbsent(env, "RAY_ADDRESS", head ? "127.0.0.1:" + port : params.get("address"));
    addIfAbsent(env, "RAY_USAGE_STATS_KUBERAY_IN_USE", "1");
    if (head) {
      // setContainerEnvVars (v1.1.0 to v1.7.0) appends it without looking: a user's entry stays and
      // this one follows it (the API server keeps both; the kubelet's later entry wins).
      env.add(
          new EnvVar(
              "RAY_USAGE_STATS_EXTRA_TAGS",
              "kuberay_version=" + flavor.version() + ";kuberay_crd=" + crdOf(cluster),
              null));
    }
    if (flavor.setsRedisPassword()
        && env.stream().noneMatch(e -> "REDIS_PASSWORD".equals(e.getName()))) {
      // Go's empty string is omitted from the JSON: the variable has a name and no value.
      env.add(new EnvVar("REDIS_PASSWORD", params.get("redis-password"), null));
    }
    env.addAll(ft.legacyEnv(env, head, annotations));
    addIfAbsent(env, "RAY_DASHBOARD_ENABLE_K8S_DISK_USAGE", "1");
    return env;
  }

  private static String crdOf(RayClusterView cluster) {
    Map<String, String> labels = cluster.resource().getMetadata().getLabels();
    return labels != null && labels.get(Labels.ORIGINATED_FROM_CRD) != null
        ? labels.get(Labels.ORIGINATED_FROM_CRD)
        : "RayCluster";
  }

  /** Every init container gets the head's address (setInitContainerEnvVars). */
  private static void addRayIp(Container init, String fqdn) {
    List<EnvVar> env = init.getEnv() == null ? new ArrayList<>() : new ArrayList<>(init.getEnv());
    env.add(new EnvVar("FQ_RAY_IP", fqdn, null));
    env.add(new EnvVar("RAY_IP", rayIp(fqdn), null));
    init.setEnv(env);
  }

  private static String rayIp(String fqdn) {
    return fqdn.substring(0, fqdn.indexOf('.'));
  }

  private static void addIfAbsent(List<EnvVar> env, String name, String value) {
    if (env.stream().noneMatch(e -> name.equals(e.getName()))) {
      env.add(new EnvVar(name, value, null));
    }
  }

  /** An env var from a field of the pod, its apiVersion as the API server defaults it. */
  static EnvVar fieldRef(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withApiVersion("v1")
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private Probe probe(boolean head, int initialDelay, int failureThreshold) {
    boolean modern = flavor.version().isAtLeast(KubeRayVersion.V1_5_0);
    // The raylet check waits 2 s (the default readiness timeout) whatever the probe's own timeout;
    // v1.5.0 passes
    // the readiness failure threshold (10) as the GCS check's timeout, a quirk of the operator.
    String wget = modern ? "wget --tries 1 -T " : "wget -T ";
    String raylet =
        wget + "2 -q -O- http://localhost:52365/api/local_raylet_healthz | grep success";
    String gcs =
        wget + (modern ? 10 : 2) + " -q -O- http://localhost:8265/api/gcs_healthz | grep success";
    String command = head ? raylet + " && " + gcs : raylet;
    return new ProbeBuilder()
        .withNewExec()
        .withCommand("bash", "-c", command)
        .endExec()
        .withInitialDelaySeconds(initialDelay)
        .withPeriodSeconds(5)
        .withTimeoutSeconds(flavor.probeTimeoutSeconds(head))
        .withSuccessThreshold(1)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  /**
   * initLivenessAndReadinessProbe (v1.1.0 to v1.7.0): a RayService worker's readiness also asks its
   * Serve proxy, on the container's port named {@code serve} (else 8000), and one failure makes it
   * unready. The wget's timeout is 2 s in v1.1.0; v1.5.0+ passes the readiness probe's initial
   * delay (10) there.
   */
  private void proxyCheck(Probe readiness, Container ray) {
    boolean modern = flavor.version().isAtLeast(KubeRayVersion.V1_5_0);
    int port =
        ray.getPorts() == null
            ? DEFAULT_SERVING_PORT
            : ray.getPorts().stream()
                .filter(p -> "serve".equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElse(DEFAULT_SERVING_PORT);
    String proxy =
        (modern ? "wget --tries 1 -T 10" : "wget -T 2")
            + " -q -O- http://localhost:"
            + port
            + "/-/healthz | grep success";
    List<String> command = readiness.getExec().getCommand();
    command.set(2, command.get(2) + " && " + proxy);
    readiness.setFailureThreshold(1);
  }

  private void addSharedMemory(Pod pod, Container ray) {
    boolean mounted =
        ray.getVolumeMounts() != null
            && ray.getVolumeMounts().stream().anyMatch(m -> "/dev/shm".equals(m.getMountPath()));
    if (mounted
        || pod.getSpec().getVolumes().stream().anyMatch(v -> "shared-mem".equals(v.getName()))) {
      return;
    }
    Quantity size = null;
    if (ray.getResources() != null) {
      Quantity limit =
          ray.getResources().getLimits() == null
              ? null
              : ray.getResources().getLimits().get("memory");
      Quantity request =
          ray.getResources().getRequests() == null
              ? null
              : ray.getResources().getRequests().get("memory");
      size =
          flavor.shmSizeFromLimitFirst()
              ? (limit != null ? limit : request)
              : (request != null ? request : limit);
    }
    Volume shm =
        new VolumeBuilder()
            .withName("shared-mem")
            .withNewEmptyDir()
            .withMedium("Memory")
            .withSizeLimit(size)
            .endEmptyDir()
            .build();
    pod.getSpec().getVolumes().add(shm);
    List<VolumeMount> mounts =
        ray.getVolumeMounts() == null ? new ArrayList<>() : new ArrayList<>(ray.getVolumeMounts());
    mounts.add(new VolumeMountBuilder().withName("shared-mem").withMountPath("/dev/shm").build());
    ray.setVolumeMounts(mounts);
  }

  /**
   * {@code addEmptyDir} with the default medium: the volume once, a mount per container that lacks
   * the path.
   */
  private static void addEmptyDir(Pod pod, Container container, String name, String path) {
    boolean mounted =
        container.getVolumeMounts() != null
            && container.getVolumeMounts().stream().anyMatch(m -> path.equals(m.getMountPath()));
    if (mounted) {
      return;
    }
    if (pod.getSpec().getVolumes().stream().noneMatch(v -> name.equals(v.getName()))) {
      pod.getSpec()
          .getVolumes()
          .add(new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build());
    }
    List<VolumeMount> mounts =
        container.getVolumeMounts() == null
            ? new ArrayList<>()
            : new ArrayList<>(container.getVolumeMounts());
    mounts.add(new VolumeMountBuilder().withName(name).withMountPath(path).build());
    container.setVolumeMounts(mounts);
  }

  private Container waitGcsReady(Container asWritten, String fqdn, String gcsPort) {
    String script = WaitGcsReadyScript.of(flavor.version(), fqdn + ":" + gcsPort);
    return new ContainerBuilder()
        .withName("wait-gcs-ready")
        .withImage(asWritten.getImage())
        .withImagePullPolicy(asWritten.getImagePullPolicy())
        .withCommand("/bin/bash", flavor.shellFlag(), "--")
        .withArgs(script)
        .withSecurityContext(asWritten.getSecurityContext())
        .withEnv(asWritten.getEnv())
        .withVolumeMounts(asWritten.getVolumeMounts())
        .withResources(
            new ResourceRequirementsBuilder()
                .addToLimits("cpu", new Quantity("200m"))
                .addToLimits("memory", new Quantity("256Mi"))
                .addToRequests("cpu", new Quantity("200m"))
                .addToRequests("memory", new Quantity("256Mi"))
                .build())
        .build();
  }
}
