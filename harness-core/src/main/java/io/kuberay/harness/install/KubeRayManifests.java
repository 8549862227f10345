package io.kuberay.harness.install;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuberay.harness.KubeRayVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects of a KubeRay release's kustomize bundle ({@code ray-operator/config/default}): CRDs,
 * RBAC, the operator Deployment and Service. Read from a directory of release data when one is
 * given, else from the copy bundled on the classpath; parsed once per JVM.
 */
public final class KubeRayManifests {

  /**
   * fabric8's serialization, for YAML and typed objects; the bundled copy needs neither (see {@link
   * #fromClasspath}).
   */
  private static final class Serde {
    static final KubernetesSerialization SERDE = new KubernetesSerialization();
  }

  private static final Map<String, List<ManifestObject>> RAW = new ConcurrentHashMap<>();
  private static final Map<String, List<GenericKubernetesResource>> PARSED =
      new ConcurrentHashMap<>();

  private KubeRayManifests() {}

  /**
   * The bundle's objects as JSON text, in bundle order.
   *
   * @param directory a folder holding {@code <version>/kustomize-default.yaml}, or empty for the
   *     bundled copy
   * @throws IllegalArgumentException when the directory lacks the version's bundle, naming the path
   *     expected
   */
  public static List<ManifestObject> rawBundle(KubeRayVersion version, Optional<Path> directory) {
    return RAW.computeIfAbsent(
        key(version, directory),
        k -> directory.map(d -> fromDirectory(d, version)).orElseGet(() -> fromClasspath(version)));
  }

  /** The bundle's objects, parsed. */
  public static List<GenericKubernetesResource> kustomizeBundle(
      KubeRayVersion version, Optional<Path> directory) {
    return PARSED.computeIfAbsent(
        key(version, directory),
        k ->
            rawBundle(version, directory).stream()
                .map(o -> Serde.SERDE.unmarshal(o.json(), GenericKubernetesResource.class))
                .toList());
  }

  public static List<GenericKubernetesResource> crds(
      KubeRayVersion version, Optional<Path> directory) {
    return kustomizeBundle(version, directory).stream()
        .filter(o -> "CustomResourceDefinition".equals(o.getKind()))
        .toList();
  }

  private static String key(KubeRayVersion version, Optional<Path> directory) {
    return directory.map(d -> d.toAbsolutePath().normalize().toString()).orElse("classpath")
        + "|"
        + version;
  }

  private static List<ManifestObject> fromDirectory(Path dir, KubeRayVersion version) {
    Path file = dir.resolve(version.toString()).resolve("kustomize-default.yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "No KubeRay "
              + version
              + " kustomize bundle at "
              + file.toAbsolutePath()
              + ". Point kuberay.manifests.dir at a folder with <version>/kustomize-default.yaml, or unset it to use the bundled copy.");
    }
    try (InputStream in = Files.newInputStream(file)) {
      List<ManifestObject> objects = new ArrayList<>();
      for (GenericKubernetesResource o : parseYamlStream(in)) {
        objects.add(
            new ManifestObject(
                o.getKind(),
                o.getMetadata().getNamespace(),
                o.getMetadata().getName(),
                Serde.SERDE.asJson(o)));
      }
      return List.copyOf(objects);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  static List<GenericKubernetesResource> parseYamlStream(InputStream in) {
    Object parsed = Serde.SERDE.unmarshal(in);
    if (parsed instanceof List<?> list) {
      return list.stream().map(KubeRayManifests::generic).toList();
    }
    if (parsed instanceof KubernetesList list) {
      return list.getItems().stream()
          .map(i -> Serde.SERDE.convertValue(i, GenericKubernetesResource.class))
          .toList();
    }
    return List.of(generic(parsed));
  }

  /**
   * Typed objects (the parser returns a Deployment for a Deployment) as generic ones, so none is
   * dropped.
   */
  private static GenericKubernetesResource generic(Object o) {
    return o instanceof GenericKubernetesResource g
        ? g
        : Serde.SERDE.convertValue(o, GenericKubernetesResource.class);
  }

  /**
   * The bundled copy: an index line of [kind, namespace, name], then one object per line (see
   * tools/bundle-manifests.py).
   */
  private static List<ManifestObject> fromClasspath(KubeRayVersion version) {
    String resource = "/io/kuberay/harness/manifests/" + version + "/kustomize-default.jsonl";
    try (InputStream in = KubeRayManifests.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "The harness jar lacks "
                + resource
                + "; set kuberay.manifests.dir to a folder of KubeRay release data.");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<?> index =
          tools.jackson.databind.json.JsonMapper.builder()
              .build()
              .readValue(reader.readLine(), List.class);
      List<ManifestObject> objects = new ArrayList<>();
      for (Object entry : index) {
        List<?> e = (List<?>) entry;
        objects.add(
            new ManifestObject(
                (String) e.get(0), (String) e.get(1), (String) e.get(2), reader.readLine()));
      }
      return List.copyOf(objects);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
