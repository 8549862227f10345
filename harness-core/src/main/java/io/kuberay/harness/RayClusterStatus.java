package io.kuberay.harness;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A RayCluster's {@code status} as the operator wrote it. Fields a KubeRay release does not fill
 * are empty.
 *
 * @param raw the status object as stored, for fields not mapped here
 */
public record RayClusterStatus(Map<String, Object> raw) {

  public RayClusterStatus {
    raw = raw == null ? Map.of() : raw;
  }

  /** {@code ready}, {@code suspended}, … or empty while the cluster comes up. */
  public String state() {
    Object s = raw.get("state");
    return s == null ? "" : s.toString();
  }

  public int desiredWorkerReplicas() {
    return integer("desiredWorkerReplicas");
  }

  public int availableWorkerReplicas() {
    return integer("availableWorkerReplicas");
  }

  /** v1.5.0+ only; 0 otherwise. */
  public int readyWorkerReplicas() {
    return integer("readyWorkerReplicas");
  }

  @SuppressWarnings("unchecked")
  public Map<String, String> endpoints() {
    Object e = raw.get("endpoints");
    return e instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> head() {
    Object h = raw.get("head");
    return h instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  public long observedGeneration() {
    Object g = raw.get("observedGeneration");
    return g instanceof Number n ? n.longValue() : 0;
  }

  /**
   * The condition of that type (v1.5.0+), e.g. {@code HeadPodReady}, as its status/reason/message
   * map.
   */
  @SuppressWarnings("unchecked")
  public Optional<Map<String, Object>> condition(String type) {
    Object c = raw.get("conditions");
    if (!(c instanceof List<?> list)) {
      return Optional.empty();
    }
    return list.stream()
        .filter(Map.class::isInstance)
        .map(m -> (Map<String, Object>) m)
        .filter(m -> type.equals(m.get("type")))
        .findFirst();
  }

  private int integer(String key) {
    Object v = raw.get(key);
    return v instanceof Number n ? n.intValue() : 0;
  }

  @Override
  public String toString() {
    return "state="
        + (state().isEmpty() ? "\"\"" : state())
        + ", desiredWorkers="
        + desiredWorkerReplicas()
        + ", availableWorkers="
        + availableWorkerReplicas();
  }
}
