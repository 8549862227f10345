package io.kuberay.harness.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Ray container and pod template shared by head and worker group specs. */
public final class GroupResources {

  private GroupResources() {}

  public static Map<String, Object> template(
      String containerName,
      String image,
      String cpu,
      String memory,
      Map<String, String> extraLimits) {
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", containerName);
    container.put("image", image);
    Map<String, Object> amounts = new LinkedHashMap<>();
    if (cpu != null) {
      amounts.put("cpu", cpu);
    }
    if (memory != null) {
      amounts.put("memory", memory);
    }
    amounts.putAll(extraLimits);
    if (!amounts.isEmpty()) {
      // requests = limits, as the ray-cluster chart sets them.
      container.put(
          "resources",
          Map.of("limits", new LinkedHashMap<>(amounts), "requests", new LinkedHashMap<>(amounts)));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("containers", List.of(container));
    Map<String, Object> template = new LinkedHashMap<>();
    template.put("spec", spec);
    return template;
  }
}
