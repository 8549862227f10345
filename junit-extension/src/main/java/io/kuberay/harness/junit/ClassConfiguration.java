package io.kuberay.harness.junit;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayClusterChart;
import io.kuberay.harness.RayClusterSpec;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.UserImage;
import io.kuberay.harness.WorkerGroupSpec;
import io.kuberay.harness.settings.Durations;
import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What one {@link KubeRayTest} asks for, validated before anything starts: the effective
 * environment settings (external overrides applied) and the clusters.
 */
record ClassConfiguration(
    EnvironmentSettings settings,
    boolean reuseEnvironment,
    boolean namespacePerClass,
    List<ClusterDeclaration> clusters) {

  /**
   * With {@code pinned}: the release of one {@link KubeRayVersions} run, over the annotation and
   * outside settings.
   */
  static ClassConfiguration of(
      Class<?> testClass, KubeRayTest test, Optional<KubeRayVersion> pinned) {
    String where = "@KubeRayTest on " + testClass.getName();
    KubeRayEnvironment.Builder builder =
        KubeRayEnvironment.builder()
            .kuberayVersion(
                parse(
                    where,
                    "kuberayVersion",
                    test.kuberayVersion(),
                    KubeRayVersion::of,
                    "one of " + KubeRayVersion.SUPPORTED,
                    "use a supported version, e.g. kuberayVersion = \"v1.1.0\""))
            .installMethod(
                parse(
                    where,
                    "install",
                    test.install(),
                    InstallMethod::of,
                    "kustomize or helm",
                    "write install = \"kustomize\" or \"helm\""))
            .rayMode(
                parse(
                    where,
                    "ray",
                    test.ray(),
                    RayMode::of,
                    "auto, required or off",
                    "write ray = \"auto\", \"required\" or \"off\""));
    if (!test.backend().isEmpty()) {
      builder =
          builder.backend(
              parse(
                  where,
                  "backend",
                  test.backend(),
                  BackendType::of,
                  "emulated, k3s or existing",
                  "write backend = \"emulated\", \"k3s\" or \"existing\", or leave it empty"));
    }
    for (ImageContents image : test.images()) {
      builder = builder.userImage(userImage(where, image));
    }
    EnvironmentSettings settings;
    try {
      settings = builder.settings();
    } catch (IllegalArgumentException e) {
      throw Misconfiguration.of(
          where,
          "valid kuberay.* system properties and KUBERAY_* environment variables",
          "'" + e.getMessage() + "'",
          "correct or unset that property or variable",
          e);
    }
    settings = pinned.map(settings::withKuberayVersion).orElse(settings);
    List<ClusterDeclaration> clusters = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (RayCluster cluster : test.clusters()) {
      ClusterDeclaration declaration =
          declaration(testClass, where, cluster, settings.kuberayVersion());
      if (!names.add(declaration.name())) {
        throw Misconfiguration.of(
            where,
            "unique cluster names",
            "'" + declaration.name() + "' twice",
            "give each @RayCluster its own name (name = \"...\")");
      }
      clusters.add(declaration);
    }
    boolean reuse = flag(where, KubeRayTest.REUSE_ENVIRONMENT_PROPERTY, test.reuseEnvironment());
    boolean namespacePerClass =
        flag(where, KubeRayTest.NAMESPACE_PER_CLASS_PROPERTY, test.namespacePerClass());
    return new ClassConfiguration(settings, reuse, namespacePerClass, List.copyOf(clusters));
  }

  private static UserImage userImage(String where, ImageContents image) {
    try {
      UserImage u =
          UserImage.named(image.image())
              .withDirectory(Path.of(image.directory()), image.mountPath());
      if (!image.requirements().isEmpty()) {
        u = u.withRequirements(Path.of(image.requirements()));
      }
      return image.rayVersion().isEmpty() ? u : u.basedOnRay(image.rayVersion());
    } catch (IllegalArgumentException e) {
      throw Misconfiguration.of(
          where,
          "@ImageContents with an image pattern, a directory, an absolute mountPath and a"
              + " rayVersion of the form X.Y.Z (or none)",
          "image = \""
              + image.image()
              + "\", mountPath = \""
              + image.mountPath()
              + "\", rayVersion = \""
              + image.rayVersion()
              + "\"",
          e.getMessage(),
          e);
    }
  }

  /**
   * A boolean attribute, overridden by its setting (system property, configuration parameter,
   * environment variable) when set.
   */
  private static boolean flag(String where, String property, boolean annotated) {
    Optional<String> configured = SettingsReader.get(Setting.of(property));
    if (configured.isEmpty()) {
      return annotated;
    }
    String value = configured.get();
    if (!value.trim().equalsIgnoreCase("true") && !value.trim().equalsIgnoreCase("false")) {
      throw Misconfiguration.of(
          where,
          property + " to be true or false",
          "'" + value + "'",
          "set it to true or false, or unset it");
    }
    return Boolean.parseBoolean(value.trim());
  }

  private static ClusterDeclaration declaration(
      Class<?> testClass, String where, RayCluster cluster, KubeRayVersion version) {
    int sources = (cluster.helmRelease().isEmpty() ? 0 : 1) + (cluster.yaml().isEmpty() ? 0 : 1);
    if (sources > 1) {
      throw Misconfiguration.of(
          where,
          "@RayCluster with either helmRelease or yaml",
          "helmRelease = \"" + cluster.helmRelease() + "\" and yaml = \"" + cluster.yaml() + "\"",
          "keep one of them");
    }
    RayClusterSpec spec;
    boolean tuned =
        !cluster.image().isEmpty()
            || !cluster.rayVersion().isEmpty()
            || !cluster.headCpu().isEmpty()
            || !cluster.headMemory().isEmpty();
    if (cluster.helmValues().length > 0 && cluster.helmRelease().isEmpty()) {
      throw Misconfiguration.of(
          where,
          "@RayCluster(helmValues = ...) together with helmRelease",
          "no helmRelease",
          "add helmRelease = \"raycluster\" or remove helmValues");
    }
    if (!cluster.yaml().isEmpty() && tuned) {
      throw Misconfiguration.of(
          where,
          "@RayCluster(yaml = \""
              + cluster.yaml()
              + "\") without image, rayVersion, headCpu or headMemory",
          "some of them set",
          "set them in the YAML");
    }
    if (!cluster.yaml().isEmpty()) {
      if (cluster.workerGroups().length > 0) {
        throw Misconfiguration.of(
            where,
            "@RayCluster(yaml = \"" + cluster.yaml() + "\") without workerGroups",
            cluster.workerGroups().length + " worker group(s)",
            "declare the worker groups in the YAML");
      }
      spec = fromYaml(testClass, where, cluster.yaml());
      if (!cluster.name().isEmpty()) {
        spec = spec.withName(cluster.name());
      }
    } else {
      if (!cluster.helmRelease().isEmpty()) {
        spec = RayClusterSpec.helmChartDefaults(cluster.helmRelease(), version);
        if (!cluster.name().isEmpty()) {
          spec = spec.withName(cluster.name());
        }
      } else if (!cluster.name().isEmpty()) {
        spec = RayClusterSpec.named(cluster.name());
      } else {
        throw Misconfiguration.of(
            where,
            "@RayCluster with a name, a helmRelease or a yaml",
            "none of them",
            "add e.g. @RayCluster(helmRelease = \"raycluster\") or @RayCluster(name = \"demo\")");
      }
      for (WorkerGroup group : cluster.workerGroups()) {
        spec =
            spec.withWorkerGroup(
                WorkerGroupSpec.named(group.name())
                    .withReplicas(group.replicas())
                    .withCpu(group.cpu())
                    .withMemory(group.memory()));
      }
      if (!cluster.image().isEmpty()) {
        spec = spec.withImage(cluster.image());
      }
      if (!cluster.rayVersion().isEmpty()) {
        spec = spec.withRayVersion(cluster.rayVersion());
      }
      if (!cluster.headCpu().isEmpty()) {
        String cpu = cluster.headCpu();
        spec = spec.withHead(h -> h.withCpu(cpu));
      }
      if (!cluster.headMemory().isEmpty()) {
        String memory = cluster.headMemory();
        spec = spec.withHead(h -> h.withMemory(memory));
      }
      if (cluster.helmValues().length > 0) {
        spec = chartValues(where, spec, cluster.helmValues());
      }
    }
    Duration timeout =
        parse(
            where,
            "readyTimeout of cluster " + spec.name(),
            cluster.readyTimeout(),
            Durations::parse,
            "a duration such as 500ms, 60s, 2m or PT1M",
            "write e.g. readyTimeout = \"60s\"");
    boolean environmentImage =
        !cluster.helmRelease().isEmpty()
            && cluster.image().isEmpty()
            && Arrays.stream(cluster.helmValues()).noneMatch(v -> v.trim().startsWith("image."));
    return new ClusterDeclaration(spec, environmentImage, timeout);
  }

  private static RayClusterSpec chartValues(String where, RayClusterSpec spec, String[] settings) {
    try {
      return spec.withChartValues(RayClusterChart.parse(settings));
    } catch (IllegalArgumentException e) {
      throw Misconfiguration.of(
          where,
          "helmValues of the form key=value with supported keys",
          Arrays.toString(settings),
          e.getMessage(),
          e);
    }
  }

  private static RayClusterSpec fromYaml(Class<?> testClass, String where, String resource) {
    String path = resource.startsWith("/") ? resource.substring(1) : resource;
    ClassLoader loader =
        testClass.getClassLoader() == null
            ? ClassLoader.getSystemClassLoader()
            : testClass.getClassLoader();
    String text;
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw Misconfiguration.of(
            where,
            "a RayCluster manifest on the class path at '" + path + "'",
            "no such resource",
            "put the file under src/test/resources/"
                + path
                + " or correct @RayCluster(yaml = ...)");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read class path resource " + path, e);
    }
    try {
      return RayClusterSpec.fromYaml(text);
    } catch (IllegalArgumentException e) {
      throw Misconfiguration.of(
          where,
          "one RayCluster manifest in '" + path + "'",
          "'" + e.getMessage() + "'",
          "correct the YAML",
          e);
    }
  }

  private static <T> T parse(
      String where,
      String attribute,
      String value,
      Function<String, T> parser,
      String expected,
      String fix) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw Misconfiguration.of(where, attribute + " to be " + expected, "'" + value + "'", fix, e);
    }
  }
}
