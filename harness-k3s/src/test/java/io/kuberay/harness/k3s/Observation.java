package io.kuberay.harness.k3s;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.RayClusterHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user can observe of a RayCluster, flattened to {@code path = value} lines with everything
 * that differs from run to run by nature (uids, times, IPs, generated suffixes, node names) masked,
 * so that two backends' observations compare line by line.
 */
final class Observation {

  private static final KubernetesSerialization SERDE = new KubernetesSerialization();

  /** ObjectKeys whose values are per run: dropped. */
  private static final Set<String> VOLATILE =
      Set.of(
          "uid",
          "resourceVersion",
          "creationTimestamp",
          "managedFields",
          "lastTransitionTime",
          "lastProbeTime",
          "startedAt",
          "finishedAt",
          "startTime",
          "lastUpdateTime",
          "containerID",
          "imageID",
          "nodeName",
          "hostIP",
          "hostIPs",
          "podIP",
          "podIPs",
          "clusterIP",
          "clusterIPs");

  private static final Pattern SUFFIX =
      Pattern.compile("(-head|-worker(-[a-z0-9-]+?)?|kube-api-access|-raycluster)-[a-z0-9]{5}\\b");
  private static final Pattern UUID =
      Pattern.compile("\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b");
  private static final Pattern IP =
      Pattern.compile("\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b");
  private static final Pattern TIME =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
  private static final Pattern FLAG = Pattern.compile("--[^\\s;&|]+");

  /**
   * Probe failures while Ray starts depend on timing, not on what the backend does; so do the real
   * operator's failures that it retries on a loaded node (a Go client timeout while Serve deploys,
   * a conflict while creating a RayJob's cluster): each case's own wait proves that the object got
   * where it should.
   */
  private static final Set<String> TIMING_EVENTS =
      Set.of("Unhealthy", "FailedToUpdateServeApplications", "FailedToCreateRayCluster");

  private final TreeMap<String, String> lines = new TreeMap<>();

  /**
   * Names the operator generates with a random suffix ({@code <name>-xxxxx}), masked in every value
   * and path.
   */
  private final Map<Pattern, String> generated = new LinkedHashMap<>();

  /**
   * The cluster, its pods, head service, the events about them, and the tutorial command's output.
   */
  static Observation of(KubeRayEnvironment env, RayClusterHandle cluster, String tutorialOutput) {
    Observation o = new Observation();
    o.add("raycluster", cluster.get());
    o.add("pod[head]", cluster.headPod().get());
    for (PodHandle worker : cluster.workerPods()) {
      o.add("pod[worker]", worker.get());
    }
    o.add("service[head]", cluster.headService());
    o.events(env.client(), cluster.namespace());
    // Only the printed dict: other lines are Ray's driver log forwarding, which depends on timing.
    String printed =
        tutorialOutput
            .lines()
            .filter(l -> l.startsWith("{"))
            .findFirst()
            .orElse(tutorialOutput.strip());
    o.lines.put(
        "exec.tutorial",
        o.normalize(
            printed
                .replaceAll("'memory': [0-9.e+]+", "'memory': <bytes>")
                .replaceAll("'object_store_memory': [0-9.e+]+", "'object_store_memory': <bytes>")));
    return o;
  }

  void put(String path, String value) {
    lines.put(path, value);
  }

  /**
   * Masks {@code <name>-<5 random characters>}, e.g. a RayJob's cluster or submission id, as {@code
   * <name>-xxxxx}.
   */
  Observation maskGenerated(String name) {
    // Not <name>-serve-svc: "serve" has five letters too.
    generated.put(
        Pattern.compile("\\b" + Pattern.quote(name) + "-(?!serve\\b)[a-z0-9]{5}\\b"),
        Matcher.quoteReplacement(name + "-xxxxx"));
    return this;
  }

  /** Adds an object, flattened under {@code prefix}; nothing for an absent object. */
  void object(String prefix, HasMetadata object) {
    if (object == null) {
      lines.put(prefix, "(absent)");
    } else {
      add(prefix, object);
    }
  }

  /** Leaves out every path under {@code prefix}: what a case does not compare. */
  void drop(String prefix) {
    lines
        .keySet()
        .removeIf(
            path ->
                path.equals(prefix)
                    || path.startsWith(prefix + ".")
                    || path.startsWith(prefix + "["));
  }

  /** The set of event kinds/types/reasons in the namespace. */
  void events(KubernetesClient client, String namespace) {
    Set<String> reasons = new TreeSet<>();
    for (Event e : client.v1().events().inNamespace(namespace).list().getItems()) {
      if (TIMING_EVENTS.contains(e.getReason())) {
        continue;
      }
      if (retriedMount(e, podOf(client, e))) {
        // Printed, not compared: the report should still show what the node went through.
        System.out.printf(
            "[parity] %s: transient FailedMount on %s, retried: %s%n",
            namespace, e.getInvolvedObject().getName(), e.getMessage());
        continue;
      }
      reasons.add(e.getInvolvedObject().getKind() + "/" + e.getType() + "/" + e.getReason());
    }
    lines.put("events", String.join(", ", reasons));
  }

  /**
   * A FailedMount on a pod whose containers started afterwards: the kubelet's retry succeeded. Both
   * backends retry failed mounts the same way; whether a first try fails depends on timing (k3s's
   * kubelet has not yet registered the pod with its ConfigMap watch, the emulated node's mount
   * namespace set-up times out under load), not on what either does with the spec.
   */
  static boolean retriedMount(Event event, Pod pod) {
    if (!"FailedMount".equals(event.getReason()) || pod == null || pod.getStatus() == null) {
      return false;
    }
    String phase = pod.getStatus().getPhase();
    return "Running".equals(phase) || "Succeeded".equals(phase);
  }

  private static Pod podOf(KubernetesClient client, Event event) {
    if (!"Pod".equals(event.getInvolvedObject().getKind())) {
      return null;
    }
    return client
        .pods()
        .inNamespace(event.getInvolvedObject().getNamespace())
        .withName(event.getInvolvedObject().getName())
        .get();
  }

  /**
   * A service's endpoints as a user sees them: the ready pods its selector matches, by name
   * (masked). The emulated API server keeps no Endpoints objects, so both backends are read the
   * same way: through the selector.
   */
  void endpoints(String prefix, KubernetesClient client, Service service) {
    List<String> names = new ArrayList<>();
    if (service.getSpec().getSelector() != null && !service.getSpec().getSelector().isEmpty()) {
      for (Pod pod :
          client
              .pods()
              .inNamespace(service.getMetadata().getNamespace())
              .withLabels(service.getSpec().getSelector())
              .list()
              .getItems()) {
        boolean ready =
            pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        if (ready && pod.getMetadata().getDeletionTimestamp() == null) {
          names.add(normalize(pod.getMetadata().getName()));
        }
      }
    }
    Collections.sort(names);
    lines.put(prefix + ".endpoints", String.join(", ", names));
  }

  Map<String, String> lines() {
    return lines;
  }

  private void add(String prefix, HasMetadata object) {
    flatten(prefix, SERDE.convertValue(object, Map.class));
  }

  private void flatten(String path, Object value) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        lines.put(path, "{}");
      }
      map.forEach(
          (k, v) -> {
            if (!VOLATILE.contains(String.valueOf(k))) {
              flatten(path + "." + normalize(String.valueOf(k)), v);
            }
          });
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        lines.put(path, "[]");
      }
      for (int i = 0; i < list.size(); i++) {
        flatten(path + "[" + key(list.get(i), i) + "]", list.get(i));
      }
    } else if (value != null) {
      lines.put(path, normalize(String.valueOf(value)));
    }
  }

  /**
   * Lists of named things (containers, env, ports, volumes) and of typed conditions are keyed, not
   * indexed.
   */
  private String key(Object element, int index) {
    if (element instanceof Map<?, ?> m) {
      for (String k : List.of("name", "type", "mountPath", "key")) {
        if (m.get(k) instanceof String s) {
          return normalize(s);
        }
      }
    }
    return Integer.toString(index);
  }

  /** A name or value masked as the observation's values are. */
  String mask(String text) {
    return normalize(text);
  }

  private String normalize(String text) {
    for (Map.Entry<Pattern, String> g : generated.entrySet()) {
      text = g.getKey().matcher(text).replaceAll(g.getValue());
    }
    String masked =
        TIME.matcher(
                IP.matcher(
                        SUFFIX
                            .matcher(UUID.matcher(text).replaceAll("<uuid>"))
                            .replaceAll("$1-xxxxx"))
                    .replaceAll("<ip>"))
            .replaceAll("<time>");
    return masked.contains("ray start") ? sortedFlags(masked) : masked;
  }

  /**
   * KubeRay v1.1.0 renders {@code ray start} flags in Go map order, which varies from run to run:
   * compare the sorted flags, plus how they are spaced.
   */
  private static String sortedFlags(String command) {
    int start = command.indexOf("ray start");
    List<String> flags = new ArrayList<>();
    Matcher m = FLAG.matcher(command.substring(start));
    while (m.find()) {
      flags.add(m.group());
    }
    Collections.sort(flags);
    String spacing = command.contains("  --") ? "double-spaced" : "single-spaced";
    return command.substring(0, start)
        + "ray start "
        + String.join(" ", flags)
        + " (flags sorted; "
        + spacing
        + ")";
  }
}
