package io.kuberay.harness.rayservice;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuberay.harness.RayClusterSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A RayService to create: from YAML ({@link #fromYaml}) or built ({@link #of}). Immutable: every
 * {@code with...} returns a changed copy, which {@link RayServiceHandle#update} applies as {@code
 * kubectl apply} would.
 */
public final class RayServiceSpec {

  private static final KubernetesSerialization SERDE = new KubernetesSerialization();

  private final String name;
  private final Map<String, String> labels;
  private final Map<String, String> annotations;
  private final Map<String, Object> spec;

  private RayServiceSpec(
      String name,
      Map<String, String> labels,
      Map<String, String> annotations,
      Map<String, Object> spec) {
    this.name = name;
    this.labels = Map.copyOf(labels);
    this.annotations = Map.copyOf(annotations);
    this.spec = deepCopy(spec);
  }

  /**
   * A RayService named {@code name} running {@code serveConfigV2} on the given cluster (its name is
   * not used: the operator names the cluster {@code <name>-raycluster-xxxxx}). The head container
   * must have a port named {@code serve} for the serve service; {@link RayClusterSpec#named}
   * clusters have one.
   */
  public static RayServiceSpec of(String name, String serveConfigV2, RayClusterSpec cluster) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("serveConfigV2", Objects.requireNonNull(serveConfigV2, "serveConfigV2"));
    spec.put(
        "rayClusterConfig", cluster.toResource("default").getAdditionalProperties().get("spec"));
    return new RayServiceSpec(requireName(name), Map.of(), Map.of(), spec);
  }

  /** One RayService manifest (apiVersion ray.io/v1, kind RayService). */
  @SuppressWarnings("unchecked")
  public static RayServiceSpec fromYaml(String yamlText) {
    Object parsed;
    try {
      parsed = SERDE.unmarshal(yamlText);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "The RayService YAML cannot be parsed: "
              + e.getMessage()
              + ". Check indentation and quoting.",
          e);
    }
    if (!(parsed instanceof GenericKubernetesResource resource)
        || !"RayService".equals(resource.getKind())) {
      String kind =
          parsed instanceof HasMetadata h
              ? h.getKind()
              : parsed == null ? "nothing" : parsed.getClass().getSimpleName();
      throw new IllegalArgumentException(
          "Expected one RayService (apiVersion ray.io/v1, kind RayService) but the YAML holds "
              + kind
              + ".");
    }
    ObjectMeta meta = resource.getMetadata();
    if (meta == null || meta.getName() == null) {
      throw new IllegalArgumentException("The RayService YAML has no metadata.name; add one.");
    }
    Object spec = resource.getAdditionalProperties().get("spec");
    if (!(spec instanceof Map<?, ?> map) || !(map.get("rayClusterConfig") instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(
          "RayService "
              + meta.getName()
              + " has no spec.rayClusterConfig: add the cluster its Serve applications run on.");
    }
    return new RayServiceSpec(
        meta.getName(),
        meta.getLabels() == null ? Map.of() : meta.getLabels(),
        meta.getAnnotations() == null ? Map.of() : meta.getAnnotations(),
        (Map<String, Object>) map);
  }

  public String name() {
    return name;
  }

  /** The same RayService under another name. */
  public RayServiceSpec withName(String newName) {
    return new RayServiceSpec(requireName(newName), labels, annotations, spec);
  }

  public String serveConfigV2() {
    Object c = spec.get("serveConfigV2");
    return c == null ? "" : c.toString();
  }

  /**
   * The same RayService with another Serve config: the operator applies it to the running cluster
   * in place.
   */
  public RayServiceSpec withServeConfigV2(String serveConfigV2) {
    Map<String, Object> copy = deepCopy(spec);
    copy.put("serveConfigV2", serveConfigV2);
    return new RayServiceSpec(name, labels, annotations, copy);
  }

  /**
   * Sets an environment variable on every Ray container of the cluster config. Any change of the
   * cluster config makes the operator roll out a new cluster (a zero-downtime upgrade).
   */
  public RayServiceSpec withClusterEnv(String variable, String value) {
    Map<String, Object> copy = deepCopy(spec);
    for (Map<String, Object> container : containers(copy)) {
      List<Object> env = new ArrayList<>(container.get("env") instanceof List<?> l ? l : List.of());
      env.removeIf(e -> e instanceof Map<?, ?> m && variable.equals(m.get("name")));
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", variable);
      entry.put("value", value);
      env.add(entry);
      container.put("env", env);
    }
    return new RayServiceSpec(name, labels, annotations, copy);
  }

  /**
   * Puts {@code dir} on the Ray containers' {@code PYTHONPATH}, so that Serve imports applications
   * from it (Serve's runtime_env takes only remote URIs). The emulated backend's pods see the
   * directory directly.
   */
  public RayServiceSpec withPythonPath(Path dir) {
    return withClusterEnv("PYTHONPATH", dir.toAbsolutePath().normalize().toString());
  }

  /**
   * Where {@link #withApplicationsFromConfigMap} mounts the applications' ConfigMap in the Ray
   * containers.
   */
  public static final String APPLICATIONS_MOUNT_PATH = "/home/ray/serve-apps";

  /**
   * Mounts the ConfigMap {@code configMap} (one key per Python file) at {@link
   * #APPLICATIONS_MOUNT_PATH} in every Ray container and puts that directory on their {@code
   * PYTHONPATH}, so that Serve imports applications from it. Unlike {@link #withPythonPath}, this
   * works on every backend: the pods of a real cluster cannot see the test's files.
   */
  public RayServiceSpec withApplicationsFromConfigMap(String configMap) {
    Map<String, Object> copy = deepCopy(spec);
    String volume = "serve-apps";
    for (Map<String, Object> podSpec : podSpecs(copy)) {
      List<Object> volumes =
          new ArrayList<>(podSpec.get("volumes") instanceof List<?> l ? l : List.of());
      volumes.removeIf(v -> v instanceof Map<?, ?> m && volume.equals(m.get("name")));
      volumes.add(
          new LinkedHashMap<>(
              Map.of("name", volume, "configMap", new LinkedHashMap<>(Map.of("name", configMap)))));
      podSpec.put("volumes", volumes);
    }
    for (Map<String, Object> container : containers(copy)) {
      List<Object> mounts =
          new ArrayList<>(container.get("volumeMounts") instanceof List<?> l ? l : List.of());
      mounts.removeIf(v -> v instanceof Map<?, ?> m && volume.equals(m.get("name")));
      mounts.add(new LinkedHashMap<>(Map.of("name", volume, "mountPath", APPLICATIONS_MOUNT_PATH)));
      container.put("volumeMounts", mounts);
    }
    return new RayServiceSpec(name, labels, annotations, copy)
        .withClusterEnv("PYTHONPATH", APPLICATIONS_MOUNT_PATH);
  }

  /**
   * {@code spec.rayClusterDeletionDelaySeconds} (KubeRay v1.5.0+): how long an old cluster stays
   * after a switch (default 60).
   */
  public RayServiceSpec withClusterDeletionDelaySeconds(int seconds) {
    Map<String, Object> copy = deepCopy(spec);
    copy.put("rayClusterDeletionDelaySeconds", seconds);
    return new RayServiceSpec(name, labels, annotations, copy);
  }

  /**
   * The same RayService with an annotation, e.g. KubeRay v1.5.0+'s {@code
   * ray.io/initializing-timeout} ({@code 10m}, or seconds): how long it may initialize before the
   * operator fails it for good. Annotations are set when the RayService is created; {@link
   * RayServiceHandle#update} changes only the spec.
   */
  public RayServiceSpec withAnnotation(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(annotations);
    copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new RayServiceSpec(name, labels, copy, spec);
  }

  /** The spec as a map (a copy). */
  public Map<String, Object> spec() {
    return deepCopy(spec);
  }

  public GenericKubernetesResource toResource(String namespace) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion("ray.io/v1");
    r.setKind("RayService");
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(namespace);
    if (!labels.isEmpty()) {
      meta.setLabels(new LinkedHashMap<>(labels));
    }
    if (!annotations.isEmpty()) {
      meta.setAnnotations(new LinkedHashMap<>(annotations));
    }
    r.setMetadata(meta);
    r.getAdditionalProperties().put("spec", deepCopy(spec));
    return r;
  }

  public String toYaml(String namespace) {
    return SERDE.asYaml(toResource(namespace));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> containers(Map<String, Object> spec) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> podSpec : podSpecs(spec)) {
      if (podSpec.get("containers") instanceof List<?> cs && !cs.isEmpty()) {
        out.add((Map<String, Object>) cs.get(0));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> podSpecs(Map<String, Object> spec) {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Object> cluster = (Map<String, Object>) spec.get("rayClusterConfig");
    List<Object> templates = new ArrayList<>();
    if (cluster.get("headGroupSpec") instanceof Map<?, ?> head) {
      templates.add(head.get("template"));
    }
    if (cluster.get("workerGroupSpecs") instanceof List<?> groups) {
      groups.forEach(g -> templates.add(((Map<String, Object>) g).get("template")));
    }
    for (Object t : templates) {
      if (t instanceof Map<?, ?> template && template.get("spec") instanceof Map<?, ?> podSpec) {
        out.add((Map<String, Object>) podSpec);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> map) {
    return (Map<String, Object>) copy(map);
  }

  @SuppressWarnings("unchecked")
  private static Object copy(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> c = new LinkedHashMap<>();
      ((Map<String, Object>) m).forEach((k, v) -> c.put(k, copy(v)));
      return c;
    }
    if (o instanceof List<?> l) {
      List<Object> c = new ArrayList<>();
      l.forEach(v -> c.add(copy(v)));
      return c;
    }
    return o;
  }

  private static String requireName(String name) {
    if (name == null || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      throw new IllegalArgumentException(
          "A RayService name must be a DNS label (lower-case letters, digits, '-'), was '"
              + name
              + "'");
    }
    return name;
  }

  @Override
  public String toString() {
    return "RayServiceSpec[" + name + "]";
  }
}
