package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The downward API references a pod may make, as kube-apiserver checks them at its creation ({@code
 * validateObjectFieldSelector} after {@code ConvertDownwardAPIFieldLabel}, {@code
 * validateContainerResourceFieldSelector}; Kubernetes 1.31): env takes the pod's name, namespace,
 * uid, node and service account names and IPs, and single labels or annotations; volumes take the
 * metadata only, labels and annotations whole too, and name a container for a resource.
 */
final class DownwardApiPaths {

  /** {@code validEnvDownwardAPIFieldPathExpressions}, sorted as Go lists them. */
  static final List<String> ENV =
      List.of(
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.serviceAccountName",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");

  /** {@code validVolumeDownwardAPIFieldPathExpressions}, sorted. */
  static final List<String> VOLUME =
      List.of(
          "metadata.annotations",
          "metadata.labels",
          "metadata.name",
          "metadata.namespace",
          "metadata.uid");

  /** {@code validContainerResourceFieldPathExpressions}, sorted. */
  private static final List<String> RESOURCES =
      List.of(
          "limits.cpu",
          "limits.ephemeral-storage",
          "limits.memory",
          "requests.cpu",
          "requests.ephemeral-storage",
          "requests.memory");

  /** What {@code ConvertDownwardAPIFieldLabel} knows of a v1 pod ({@code spec.host} aside). */
  private static final Set<String> CONVERTIBLE =
      Set.of(
          "metadata.annotations",
          "metadata.labels",
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.restartPolicy",
          "spec.serviceAccountName",
          "spec.schedulerName",
          "status.phase",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");

  private DownwardApiPaths() {}

  /** A container's env: each {@code valueFrom.fieldRef} and {@code resourceFieldRef}. */
  static List<String> env(Map<String, Object> container, String path) {
    List<String> causes = new ArrayList<>();
    List<Object> env = Maps.list(container.get("env"));
    for (int j = 0; j < env.size(); j++) {
      Map<String, Object> from = Maps.map(Maps.map(env.get(j)).get("valueFrom"));
      String at = path + ".env[" + j + "].valueFrom";
      if (from.get("fieldRef") instanceof Map<?, ?> ref) {
        causes.addAll(fieldRef(Maps.map(ref), at + ".fieldRef", ENV));
      }
      if (from.get("resourceFieldRef") instanceof Map<?, ?> ref) {
        causes.addAll(resourceFieldRef(Maps.map(ref), at + ".resourceFieldRef", false));
      }
    }
    return causes;
  }

  /** The items of every downwardAPI volume and projected downwardAPI source. */
  static List<String> volumes(Map<String, Object> spec) {
    List<String> causes = new ArrayList<>();
    List<Object> volumes = Maps.list(spec.get("volumes"));
    for (int i = 0; i < volumes.size(); i++) {
      Map<String, Object> volume = Maps.map(volumes.get(i));
      String at = "spec.volumes[" + i + "]";
      if (volume.get("downwardAPI") instanceof Map<?, ?> d) {
        causes.addAll(items(Maps.map(d), at + ".downwardAPI"));
      }
      List<Object> sources = Maps.list(Maps.map(volume.get("projected")).get("sources"));
      for (int j = 0; j < sources.size(); j++) {
        if (Maps.map(sources.get(j)).get("downwardAPI") instanceof Map<?, ?> d) {
          causes.addAll(items(Maps.map(d), at + ".projected.sources[" + j + "].downwardAPI"));
        }
      }
    }
    return causes;
  }

  private static List<String> items(Map<String, Object> downwardApi, String path) {
    List<String> causes = new ArrayList<>();
    List<Object> items = Maps.list(downwardApi.get("items"));
    for (int k = 0; k < items.size(); k++) {
      Map<String, Object> item = Maps.map(items.get(k));
      String at = path + ".items[" + k + "]";
      if (item.get("fieldRef") instanceof Map<?, ?> ref) {
        causes.addAll(fieldRef(Maps.map(ref), at + ".fieldRef", VOLUME));
      } else if (item.get("resourceFieldRef") instanceof Map<?, ?> ref) {
        causes.addAll(resourceFieldRef(Maps.map(ref), at + ".resourceFieldRef", true));
      }
    }
    return causes;
  }

  /** {@code validateObjectFieldSelector}. */
  static List<String> fieldRef(Map<String, Object> ref, String path, List<String> valid) {
    String version = string(ref.get("apiVersion"));
    String fieldPath = string(ref.get("fieldPath"));
    if (version.isEmpty()) {
      return List.of(path + ".apiVersion: Required value");
    }
    if (fieldPath.isEmpty()) {
      return List.of(path + ".fieldPath: Required value");
    }
    String converting =
        path
            + ".fieldPath: Invalid value: "
            + ObjectValidation.quote(fieldPath)
            + ": error converting fieldPath: ";
    if (!version.equals("v1")) {
      return List.of(converting + "unsupported pod version: " + version);
    }
    String[] subscripted = subscripted(fieldPath);
    if (subscripted != null) {
      switch (subscripted[0]) {
        case "metadata.annotations":
          return ObjectValidation.keyCause(path, subscripted[1].toLowerCase(Locale.ROOT)).stream()
              .toList();
        case "metadata.labels":
          return ObjectValidation.keyCause(path, subscripted[1]).stream().toList();
        default:
          return List.of(converting + "field label does not support subscript: " + fieldPath);
      }
    }
    String internal = fieldPath.equals("spec.host") ? "spec.nodeName" : fieldPath;
    if (!CONVERTIBLE.contains(internal)) {
      return List.of(converting + "field label not supported: " + fieldPath);
    }
    if (!valid.contains(internal)) {
      return List.of(ObjectValidation.notSupported(path + ".fieldPath", internal, valid));
    }
    return List.of();
  }

  /** {@code validateContainerResourceFieldSelector} (its divisor rules aside). */
  private static List<String> resourceFieldRef(
      Map<String, Object> ref, String path, boolean volume) {
    String resource = string(ref.get("resource"));
    if (volume && string(ref.get("containerName")).isEmpty()) {
      return List.of(path + ".containerName: Required value");
    }
    if (resource.isEmpty()) {
      return List.of(path + ".resource: Required value");
    }
    if (!RESOURCES.contains(resource)
        && !resource.startsWith("requests.hugepages-")
        && !resource.startsWith("limits.hugepages-")) {
      return List.of(ObjectValidation.notSupported(path + ".resource", resource, RESOURCES));
    }
    return List.of();
  }

  /** {@code fieldpath.SplitMaybeSubscriptedPath}: {@code [path, key]}, or null. */
  private static String[] subscripted(String fieldPath) {
    if (!fieldPath.endsWith("']")) {
      return null;
    }
    String s = fieldPath.substring(0, fieldPath.length() - 2);
    int open = s.indexOf("['");
    if (open <= 0) {
      return null;
    }
    return new String[] {s.substring(0, open), s.substring(open + 2)};
  }

  private static String string(Object value) {
    return value == null ? "" : String.valueOf(value);
  }
}
