package io.kuberay.harness.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes ray-cluster chart values into the rendered RayCluster where the chart's templates put
 * them.
 */
public final class ChartValues {

  private ChartValues() {}

  public static void apply(Map<String, String> values, GenericKubernetesResource cluster) {
    Map<String, Object> spec = map(cluster.getAdditionalProperties(), "spec");
    Map<String, Object> head = map(spec, "headGroupSpec");
    List<Map<String, Object>> workers =
        ((List<?>) spec.getOrDefault("workerGroupSpecs", List.of()))
            .stream().map(ChartValues::asMap).toList();
    List<Map<String, Object>> groups = new ArrayList<>(List.of(head));
    groups.addAll(workers);
    values.forEach(
        (key, value) -> {
          String[] parts = key.split("\\.", 2);
          switch (parts[0]) {
            case "image" -> setImage(groups, parts[1], value);
            case "head" -> {
              if ("rayVersion".equals(parts[1])) {
                spec.put("rayVersion", value);
              } else {
                setGroup(head, parts[1], value);
              }
            }
            case "worker" -> setGroup(chartWorker(workers, key), parts[1], value);
            default ->
                throw new IllegalArgumentException(
                    "Unsupported ray-cluster chart value '" + key + "'");
          }
        });
  }

  /**
   * The chart's own worker group ({@code worker.groupName}, by default {@code workergroup}), else
   * the first.
   */
  private static Map<String, Object> chartWorker(List<Map<String, Object>> workers, String key) {
    if (workers.isEmpty()) {
      throw new IllegalArgumentException(
          "Chart value '" + key + "' needs a worker group, but the RayCluster has none.");
    }
    return workers.stream()
        .filter(w -> "workergroup".equals(w.get("groupName")))
        .findFirst()
        .orElse(workers.get(0));
  }

  private static void setImage(List<Map<String, Object>> groups, String part, String value) {
    for (Map<String, Object> group : groups) {
      Map<String, Object> container = container(group);
      String image = (String) container.get("image");
      int colon = image.lastIndexOf(':');
      String repository = colon < 0 ? image : image.substring(0, colon);
      String tag = colon < 0 ? "latest" : image.substring(colon + 1);
      container.put(
          "image", "repository".equals(part) ? value + ":" + tag : repository + ":" + value);
    }
  }

  private static void setGroup(Map<String, Object> group, String path, String value) {
    if (path.startsWith("rayStartParams.")) {
      map(group, "rayStartParams").put(path.substring("rayStartParams.".length()), value);
    } else if (path.startsWith("resources.")) {
      String[] kindAndName = path.substring("resources.".length()).split("\\.");
      map(map(container(group), "resources"), kindAndName[0]).put(kindAndName[1], value);
    } else {
      group.put(path, parseReplicas(path, value));
    }
  }

  private static int parseReplicas(String path, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Chart value worker." + path + " must be a whole number, not '" + value + "'.", e);
    }
  }

  private static Map<String, Object> container(Map<String, Object> group) {
    return asMap(((List<?>) map(map(group, "template"), "spec").get("containers")).get(0));
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    return asMap(parent.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return (Map<String, Object>) value;
  }
}
