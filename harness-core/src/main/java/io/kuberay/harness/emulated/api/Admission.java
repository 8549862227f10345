package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.NameSuffix;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The defaults the API server fills into pods and services on create, so objects read back as on a
 * real cluster.
 */
final class Admission {

  private Admission() {}

  static void defaultPod(Map<String, Object> pod) {
    Map<String, Object> spec = Maps.map(pod.get("spec"));
    pod.put("spec", spec);
    spec.putIfAbsent("restartPolicy", "Always");
    spec.putIfAbsent("dnsPolicy", "ClusterFirst");
    spec.putIfAbsent("schedulerName", "default-scheduler");
    spec.putIfAbsent("terminationGracePeriodSeconds", 30);
    // v1 to internal: the deprecated serviceAccount names the account when serviceAccountName
    // does not; internal to v1 writes it back as serviceAccountName.
    if (isBlank(spec.get("serviceAccountName")) && !isBlank(spec.get("serviceAccount"))) {
      spec.put("serviceAccountName", spec.get("serviceAccount"));
    }
    if (!isBlank(spec.get("serviceAccountName"))) {
      spec.put("serviceAccount", spec.get("serviceAccountName"));
    }
    spec.putIfAbsent("enableServiceLinks", true);
    spec.putIfAbsent("priority", 0);
    spec.putIfAbsent("securityContext", new LinkedHashMap<>());
    spec.putIfAbsent("preemptionPolicy", "PreemptLowerPriority");
    defaultTolerations(spec);
    defaultContainers(spec);
    defaultVolumes(spec);
    Map<String, Object> status = Maps.map(pod.get("status"));
    status.putIfAbsent("phase", "Pending");
    pod.put("status", status);
  }

  /**
   * The scheme's defaults of a pod template in a workload (Deployment, ReplicaSet, StatefulSet,
   * DaemonSet, Job, CronJob): the pod spec's and its containers', not the admission plugins'
   * (service account, token volume, tolerations and priority are set when the pod itself is
   * created).
   */
  static void defaultWorkload(String kind, Map<String, Object> workload) {
    if (!(workload.get("spec") instanceof Map<?, ?>)) {
      return;
    }
    Map<String, Object> spec = Maps.map(workload.get("spec"));
    switch (kind) {
      case "Job" -> defaultJob(spec);
      case "CronJob" -> {
        spec.putIfAbsent("concurrencyPolicy", "Allow");
        spec.putIfAbsent("suspend", false);
        spec.putIfAbsent("successfulJobsHistoryLimit", 3);
        spec.putIfAbsent("failedJobsHistoryLimit", 1);
        if (Maps.get(spec, "jobTemplate", "spec") instanceof Map<?, ?> jobSpec) {
          defaultJob(Maps.map(jobSpec));
        }
      }
      case "Deployment" -> {
        spec.putIfAbsent("replicas", 1);
        spec.putIfAbsent("revisionHistoryLimit", 10);
        spec.putIfAbsent("progressDeadlineSeconds", 600);
        Map<String, Object> strategy = Maps.map(spec.get("strategy"));
        spec.put("strategy", strategy);
        strategy.putIfAbsent("type", "RollingUpdate");
        if ("RollingUpdate".equals(strategy.get("type"))) {
          Map<String, Object> rolling = Maps.map(strategy.get("rollingUpdate"));
          strategy.put("rollingUpdate", rolling);
          rolling.putIfAbsent("maxUnavailable", "25%");
          rolling.putIfAbsent("maxSurge", "25%");
        }
      }
      default -> {}
    }
    Object template =
        "CronJob".equals(kind)
            ? Maps.get(spec, "jobTemplate", "spec", "template")
            : spec.get("template");
    if (!(template instanceof Map<?, ?>)
        || !(Maps.map(template).get("spec") instanceof Map<?, ?>)) {
      return;
    }
    Map<String, Object> podSpec = Maps.map(Maps.map(template).get("spec"));
    podSpec.putIfAbsent("restartPolicy", "Always");
    podSpec.putIfAbsent("dnsPolicy", "ClusterFirst");
    podSpec.putIfAbsent("schedulerName", "default-scheduler");
    podSpec.putIfAbsent("terminationGracePeriodSeconds", 30);
    podSpec.putIfAbsent("securityContext", new LinkedHashMap<>());
    defaultContainers(podSpec);
    defaultVolumes(podSpec);
  }

  /** SetDefaults_Job of batch/v1 (Kubernetes 1.31). */
  private static void defaultJob(Map<String, Object> spec) {
    if (!spec.containsKey("completions") && !spec.containsKey("parallelism")) {
      spec.put("completions", 1);
    }
    spec.putIfAbsent("parallelism", 1);
    spec.putIfAbsent(
        "backoffLimit", spec.containsKey("backoffLimitPerIndex") ? Integer.MAX_VALUE : 6);
    spec.putIfAbsent("completionMode", "NonIndexed");
    spec.putIfAbsent("suspend", false);
    spec.putIfAbsent("manualSelector", false);
    spec.putIfAbsent(
        "podReplacementPolicy",
        spec.containsKey("podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
  }

  /**
   * The Job strategy's PrepareForCreate (generateSelector, Kubernetes 1.31): unless {@code
   * spec.manualSelector} is true, the pod template is labelled with the Job's name and new uid
   * (legacy and {@code batch.kubernetes.io/} keys, a label already set is kept) and the selector
   * matches the uid. kubectl finds a Job's pods through it ({@code kubectl logs job/<name>}); a Job
   * without a selector would select every pod of its namespace.
   */
  static void generateJobSelector(Map<String, Object> job) {
    if (!(job.get("spec") instanceof Map<?, ?>)
        || Boolean.TRUE.equals(Maps.map(job.get("spec")).get("manualSelector"))) {
      return;
    }
    Map<String, Object> spec = Maps.map(job.get("spec"));
    Map<String, Object> metadata = Maps.map(job.get("metadata"));
    String name = String.valueOf(metadata.get("name"));
    String uid = String.valueOf(metadata.get("uid"));
    Map<String, Object> template = Maps.map(spec.get("template"));
    spec.put("template", template);
    Map<String, Object> templateMeta = Maps.map(template.get("metadata"));
    template.put("metadata", templateMeta);
    Map<String, Object> labels = Maps.map(templateMeta.get("labels"));
    templateMeta.put("labels", labels);
    labels.putIfAbsent("job-name", name);
    labels.putIfAbsent("batch.kubernetes.io/job-name", name);
    labels.putIfAbsent("controller-uid", uid);
    labels.putIfAbsent("batch.kubernetes.io/controller-uid", uid);
    Map<String, Object> selector = Maps.map(spec.get("selector"));
    spec.put("selector", selector);
    Map<String, Object> matchLabels = Maps.map(selector.get("matchLabels"));
    selector.put("matchLabels", matchLabels);
    matchLabels.putIfAbsent("batch.kubernetes.io/controller-uid", uid);
  }

  static boolean isWorkload(String group, String kind) {
    // kind may be missing from a bad request; List.of(...).contains(null) would throw.
    return kind != null
        && (("apps".equals(group)
                && List.of("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet").contains(kind))
            || ("batch".equals(group) && List.of("Job", "CronJob").contains(kind)));
  }

  /**
   * The scheme's volume defaults (pkg/apis/core/v1/defaults.go: SetDefaults_Volume,
   * SetDefaults_ConfigMapVolumeSource, _SecretVolumeSource, _DownwardAPIVolumeSource,
   * _ProjectedVolumeSource, _HostPathVolumeSource, _ServiceAccountTokenProjection,
   * _ObjectFieldSelector), applied to pods and workloads' pod templates alike: a volume without a
   * source is an {@code emptyDir}; configMap, secret, downwardAPI and projected volumes get {@code
   * defaultMode} 0644 (420), a hostPath the type {@code ""}, a projected token 3600 s, a downward
   * API item's {@code fieldRef} the apiVersion {@code v1}. Items' own {@code mode} and the
   * projections' sources have no default. Clients count on them: {@code kubectl describe pod}
   * dereferences {@code expirationSeconds} (a pod with KubeRay's {@code ray-token} volume made it
   * panic).
   */
  private static void defaultVolumes(Map<String, Object> spec) {
    for (Object v : Maps.list(spec.get("volumes"))) {
      if (!(v instanceof Map<?, ?>)) {
        continue;
      }
      Map<String, Object> volume = Maps.map(v);
      if (volume.keySet().stream().allMatch("name"::equals)) {
        volume.put("emptyDir", new LinkedHashMap<>());
      }
      for (String source : List.of("configMap", "secret", "downwardAPI", "projected")) {
        if (volume.get(source) instanceof Map<?, ?> s) {
          putIfAbsent(Maps.map(s), "defaultMode", 420);
        }
      }
      if (volume.get("hostPath") instanceof Map<?, ?> hostPath) {
        putIfAbsent(Maps.map(hostPath), "type", "");
      }
      if (volume.get("downwardAPI") instanceof Map<?, ?> downwardApi) {
        defaultFieldRefs(Maps.map(downwardApi));
      }
      if (volume.get("projected") instanceof Map<?, ?> projected) {
        for (Object source : Maps.list(Maps.map(projected).get("sources"))) {
          Map<String, Object> projection = Maps.map(source);
          if (projection.get("serviceAccountToken") instanceof Map<?, ?> token) {
            putIfAbsent(Maps.map(token), "expirationSeconds", 3600);
          }
          if (projection.get("downwardAPI") instanceof Map<?, ?> downwardApi) {
            defaultFieldRefs(Maps.map(downwardApi));
          }
        }
      }
    }
  }

  /** SetDefaults_ObjectFieldSelector for the items of a downward API volume or projection. */
  private static void defaultFieldRefs(Map<String, Object> downwardApi) {
    for (Object item : Maps.list(downwardApi.get("items"))) {
      if (Maps.map(item).get("fieldRef") instanceof Map<?, ?> fieldRef) {
        putIfAbsent(Maps.map(fieldRef), "apiVersion", "v1");
      }
    }
  }

  /** Only writes when absent: the admission plugin's own token volume is built immutable. */
  private static void putIfAbsent(Map<String, Object> map, String key, Object value) {
    if (!map.containsKey(key)) {
      map.put(key, value);
    }
  }

  private static void defaultContainers(Map<String, Object> spec) {
    for (String key : List.of("containers", "initContainers")) {
      for (Object c : Maps.list(spec.get(key))) {
        Map<String, Object> container = Maps.map(c);
        container.putIfAbsent("terminationMessagePath", "/dev/termination-log");
        container.putIfAbsent("terminationMessagePolicy", "File");
        String image = String.valueOf(container.getOrDefault("image", ""));
        String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "latest";
        container.putIfAbsent("imagePullPolicy", "latest".equals(tag) ? "Always" : "IfNotPresent");
        for (Object port : Maps.list(container.get("ports"))) {
          if (port instanceof Map<?, ?>) {
            Maps.map(port).putIfAbsent("protocol", "TCP");
          }
        }
        // SetDefaults_ObjectFieldSelector: KubeRay's own RAY_CLUSTER_NAME etc. name no apiVersion.
        for (Object env : Maps.list(container.get("env"))) {
          if (Maps.get(Maps.map(env), "valueFrom", "fieldRef") instanceof Map<?, ?> fieldRef) {
            putIfAbsent(Maps.map(fieldRef), "apiVersion", "v1");
          }
        }
      }
    }
  }

  /**
   * DefaultTolerationSeconds: 300 s on not-ready and unreachable nodes, unless the pod says
   * otherwise.
   */
  private static void defaultTolerations(Map<String, Object> spec) {
    List<Object> tolerations = new ArrayList<>(Maps.list(spec.get("tolerations")));
    for (String key : List.of("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")) {
      boolean present =
          tolerations.stream()
              .map(Maps::map)
              .anyMatch(
                  t ->
                      key.equals(t.get("key"))
                          || ("Exists".equals(t.get("operator")) && t.get("key") == null));
      if (!present) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("effect", "NoExecute");
        t.put("key", key);
        t.put("operator", "Exists");
        t.put("tolerationSeconds", 300);
        tolerations.add(t);
      }
    }
    spec.put("tolerations", tolerations);
  }

  private static boolean isBlank(Object value) {
    return value == null || String.valueOf(value).isEmpty();
  }

  static final String TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  private static final String TOKEN_VOLUME_PREFIX = "kube-api-access-";

  /**
   * kube-apiserver's ServiceAccount admission plugin on a pod's CREATE (Kubernetes 1.31,
   * plugin/pkg/admission/serviceaccount): the account defaults to {@code default}; an account that
   * does not exist refuses the pod; unless {@code automountServiceAccountToken} is false (the pod's
   * wins over the account's), a projected {@code kube-api-access-xxxxx} volume (token, the {@code
   * kube-root-ca.crt} CA, the namespace) is mounted read-only at {@link #TOKEN_MOUNT_PATH} in every
   * init container and container that has nothing mounted there; a pod without {@code
   * imagePullSecrets} gets the account's.
   *
   * @param accounts the namespace's ServiceAccounts by name
   * @return the refusal's cause ({@code error looking up service account ns/sa: ...}), for a 403
   */
  static Optional<String> admitServiceAccount(
      Map<String, Object> pod,
      String namespace,
      Function<String, Optional<Map<String, Object>>> accounts) {
    Map<String, Object> spec = Maps.map(pod.get("spec"));
    pod.put("spec", spec);
    if (isBlank(spec.get("serviceAccountName"))) {
      spec.put("serviceAccountName", "default");
    }
    String name = String.valueOf(spec.get("serviceAccountName"));
    spec.put("serviceAccount", name);
    Optional<Map<String, Object>> account = accounts.apply(name);
    if (account.isEmpty()) {
      return Optional.of(
          "error looking up service account "
              + namespace
              + "/"
              + name
              + ": serviceaccount \""
              + name
              + "\" not found");
    }
    Object automount =
        spec.containsKey("automountServiceAccountToken")
            ? spec.get("automountServiceAccountToken")
            : account.get().get("automountServiceAccountToken");
    if (!Boolean.FALSE.equals(automount)) {
      mountServiceAccountToken(spec);
    }
    if (Maps.list(spec.get("imagePullSecrets")).isEmpty()
        && !Maps.list(account.get().get("imagePullSecrets")).isEmpty()) {
      List<Object> secrets = new ArrayList<>();
      for (Object s : Maps.list(account.get().get("imagePullSecrets"))) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("name", Maps.map(s).get("name"));
        secrets.add(ref);
      }
      spec.put("imagePullSecrets", secrets);
    }
    return Optional.empty();
  }

  /**
   * The plugin's mountServiceAccountToken: an existing {@code kube-api-access-*} volume is reused;
   * the volume is added only when a container got the mount.
   */
  private static void mountServiceAccountToken(Map<String, Object> spec) {
    List<Object> volumes = new ArrayList<>(Maps.list(spec.get("volumes")));
    String existing =
        volumes.stream()
            .map(v -> String.valueOf(Maps.map(v).get("name")))
            .filter(n -> n.startsWith(TOKEN_VOLUME_PREFIX))
            .findFirst()
            .orElse(null);
    String name = existing != null ? existing : TOKEN_VOLUME_PREFIX + NameSuffix.random();
    boolean needed = false;
    for (String key : List.of("initContainers", "containers")) {
      for (Object c : Maps.list(spec.get(key))) {
        Map<String, Object> container = Maps.map(c);
        List<Object> mounts = new ArrayList<>(Maps.list(container.get("volumeMounts")));
        if (mounts.stream()
            .map(Maps::map)
            .noneMatch(m -> TOKEN_MOUNT_PATH.equals(m.get("mountPath")))) {
          Map<String, Object> mount = new LinkedHashMap<>();
          mount.put("mountPath", TOKEN_MOUNT_PATH);
          mount.put("name", name);
          mount.put("readOnly", true);
          mounts.add(mount);
          container.put("volumeMounts", mounts);
          needed = true;
        }
      }
    }
    if (existing != null || !needed) {
      return;
    }
    Map<String, Object> volume = new LinkedHashMap<>();
    volume.put("name", name);
    volume.put("projected", tokenVolumeSource());
    volumes.add(volume);
    spec.put("volumes", volumes);
  }

  /** The plugin's TokenVolumeSource: token (3607 s), the root CA's {@code ca.crt}, namespace. */
  private static Map<String, Object> tokenVolumeSource() {
    Map<String, Object> projected = new LinkedHashMap<>();
    projected.put("defaultMode", 420);
    projected.put(
        "sources",
        List.of(
            Map.of("serviceAccountToken", Map.of("expirationSeconds", 3607, "path", "token")),
            Map.of(
                "configMap",
                Map.of(
                    "name",
                    NamespaceLifecycle.ROOT_CA_CONFIG_MAP,
                    "items",
                    List.of(Map.of("key", "ca.crt", "path", "ca.crt")))),
            Map.of(
                "downwardAPI",
                Map.of(
                    "items",
                    List.of(
                        Map.of(
                            "fieldRef",
                            Map.of("apiVersion", "v1", "fieldPath", "metadata.namespace"),
                            "path",
                            "namespace"))))));
    return projected;
  }

  static void defaultService(Map<String, Object> service, Supplier<String> clusterIps) {
    defaultService(service, clusterIps, () -> 30000);
  }

  /**
   * @param nodePorts the next free node port, for NodePort and LoadBalancer services' ports that
   *     name none (kube-apiserver allocates one from 30000-32767; a head service of {@code
   *     serviceType: NodePort} read {@code 8265/TCP} without it)
   */
  static void defaultService(
      Map<String, Object> service, Supplier<String> clusterIps, Supplier<Integer> nodePorts) {
    Map<String, Object> spec = Maps.map(service.get("spec"));
    service.put("spec", spec);
    spec.putIfAbsent("type", "ClusterIP");
    spec.putIfAbsent("sessionAffinity", "None");
    if (!"ExternalName".equals(spec.get("type")) && spec.get("clusterIP") == null) {
      spec.put("clusterIP", clusterIps.get());
    }
    if (spec.get("clusterIP") != null) {
      spec.putIfAbsent("clusterIPs", new ArrayList<>(List.of(spec.get("clusterIP"))));
    }
    spec.putIfAbsent("ipFamilies", new ArrayList<>(List.of("IPv4")));
    spec.putIfAbsent("ipFamilyPolicy", "SingleStack");
    spec.putIfAbsent("internalTrafficPolicy", "Cluster");
    boolean exposed =
        "NodePort".equals(spec.get("type")) || "LoadBalancer".equals(spec.get("type"));
    if (exposed) {
      spec.putIfAbsent("externalTrafficPolicy", "Cluster");
    }
    if ("LoadBalancer".equals(spec.get("type"))) {
      spec.putIfAbsent("allocateLoadBalancerNodePorts", true);
    }
    for (Object p : Maps.list(spec.get("ports"))) {
      Map<String, Object> port = Maps.map(p);
      port.putIfAbsent("protocol", "TCP");
      // SetDefaults_Service: an unset, 0 or "" targetPort is the port.
      Object target = port.get("targetPort");
      if (target == null || "".equals(target) || target instanceof Number n && n.intValue() == 0) {
        port.put("targetPort", port.get("port"));
      }
      if (exposed && port.get("nodePort") == null) {
        port.put("nodePort", nodePorts.get());
      }
    }
    Map<String, Object> status = Maps.map(service.get("status"));
    status.putIfAbsent("loadBalancer", new LinkedHashMap<>());
    service.put("status", status);
  }

  /**
   * What decoding a Secret (or a ConfigMap's {@code binaryData}) into Go's {@code []byte} does on a
   * real API server: base64 values are decoded as {@code encoding/base64}'s StdEncoding does, which
   * skips line breaks (samples wrap long values: {@code cat ca.crt | base64}), and written back
   * unwrapped; a Secret's {@code stringData} is merged into {@code data} over equal keys and
   * dropped (the v1-to-internal conversion). Without this the node decoded a wrapped value with
   * Java's strict decoder and the pod waited for ever, and {@code stringData} keys were missing.
   *
   * @return the API server's 400 message when a value is not base64
   */
  static Optional<String> normalizeBinaryData(String kind, Map<String, Object> object) {
    String field = "Secret".equals(kind) ? "data" : "binaryData";
    Map<String, Object> data = new LinkedHashMap<>();
    if (object.get(field) instanceof Map<?, ?> values) {
      for (Map.Entry<?, ?> e : values.entrySet()) {
        if (e.getValue() == null) {
          continue;
        }
        String text = String.valueOf(e.getValue());
        Optional<Integer> bad = illegalBase64(text);
        if (bad.isPresent()) {
          return Optional.of(
              kind
                  + " in version \"v1\" cannot be handled as a "
                  + kind
                  + ": illegal base64 data at input byte "
                  + bad.get());
        }
        data.put(String.valueOf(e.getKey()), text.replace("\r", "").replace("\n", ""));
      }
    }
    if ("Secret".equals(kind) && object.remove("stringData") instanceof Map<?, ?> strings) {
      strings.forEach(
          (k, v) ->
              data.put(
                  String.valueOf(k),
                  Base64.getEncoder()
                      .encodeToString(
                          String.valueOf(v == null ? "" : v).getBytes(StandardCharsets.UTF_8))));
    }
    if (!data.isEmpty() || object.containsKey(field)) {
      object.put(field, data);
    }
    return Optional.empty();
  }

  /** Where Go's StdEncoding would stop on {@code text}: line breaks skipped, padding required. */
  private static Optional<Integer> illegalBase64(String text) {
    String stripped = text.replace("\r", "").replace("\n", "");
    try {
      Base64.getDecoder().decode(stripped);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        boolean alphabet =
            (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '+'
                || c == '/'
                || c == '='
                || c == '\r'
                || c == '\n';
        if (!alphabet) {
          return Optional.of(i);
        }
      }
      return Optional.of(text.length());
    }
  }
}
