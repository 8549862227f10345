package io.kuberay.harness.install;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuberay.harness.KubeRayVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects of a KubeRay release's kustomize bundle ({@code ray-operator/config/default}): CRDs, RBAC,
 * the operator Deployment and Service. Read from a directory of release data when one is given, else from
 * the copy bundled on the classpath; parsed once per JVM.
 */
public final class KubeRayManifests {

  private static final KubernetesSerialization SERDE = new KubernetesSerialization();
  private static final Map<String, List<GenericKubernetesResource>> CACHE = new ConcurrentHashMap<>();

  private KubeRayManifests() {}

  /**
   * @param directory a folder holding {@code <version>/kustomize-default.yaml}, or empty for the bundled copy
   * @throws IllegalArgumentException when the directory lacks the version's bundle, naming the path expected
   */
  public static List<GenericKubernetesResource> kustomizeBundle(KubeRayVersion version, Optional<Path> directory) {
    String key = directory.map(d -> d.toAbsolutePath().normalize().toString()).orElse("classpath") + "|" + version;
    return CACHE.computeIfAbsent(key, k -> directory.map(d -> fromDirectory(d, version)).orElseGet(() -> fromClasspath(version)));
  }

  public static List<GenericKubernetesResource> crds(KubeRayVersion version, Optional<Path> directory) {
    return kustomizeBundle(version, directory).stream().filter(o -> "CustomResourceDefinition".equals(o.getKind())).toList();
  }

  private static List<GenericKubernetesResource> fromDirectory(Path dir, KubeRayVersion version) {
    Path file = dir.resolve(version.toString()).resolve("kustomize-default.yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "No KubeRay " + version + " kustomize bundle at " + file.toAbsolutePath()
              + ". Point kuberay.manifests.dir at a folder with <version>/kustomize-default.yaml, or unset it to use the bundled copy.");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parseYamlStream(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  static List<GenericKubernetesResource> parseYamlStream(InputStream in) {
    Object parsed = SERDE.unmarshal(in);
    if (parsed instanceof List<?> list) {
      return list.stream().map(KubeRayManifests::generic).toList();
    }
    if (parsed instanceof KubernetesList list) {
      return list.getItems().stream().map(i -> SERDE.convertValue(i, GenericKubernetesResource.class)).toList();
    }
    return List.of(generic(parsed));
  }

  /** Typed objects (the parser returns a Deployment for a Deployment) as generic ones, so none is dropped. */
  private static GenericKubernetesResource generic(Object o) {
    return o instanceof GenericKubernetesResource g ? g : SERDE.convertValue(o, GenericKubernetesResource.class);
  }

  private static List<GenericKubernetesResource> fromClasspath(KubeRayVersion version) {
    String resource = "/io/kuberay/harness/manifests/" + version + "/kustomize-default.json";
    try (InputStream in = KubeRayManifests.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("The harness jar lacks " + resource + "; set kuberay.manifests.dir to a folder of KubeRay release data.");
      }
      Map<?, ?> list = SERDE.unmarshal(in, Map.class);
      return ((List<?>) list.get("items")).stream().map(i -> SERDE.convertValue(i, GenericKubernetesResource.class)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
