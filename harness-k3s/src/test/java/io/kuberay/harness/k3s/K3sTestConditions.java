package io.kuberay.harness.k3s;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.testcontainers.DockerClientFactory;

/**
 * When the k3s test classes may run: they skip, saying exactly why, when Docker, the images or the
 * release data are missing; with {@code KUBERAY_K3S_REQUIRED=true} (set by .ci/run, which builds
 * the images) they fail instead.
 */
final class K3sTestConditions {

  private K3sTestConditions() {}

  static void require(boolean condition, Supplier<String> reason) {
    if (required()) {
      Assertions.assertTrue(
          condition,
          () -> reason.get().replace("skipped", "cannot run") + " (KUBERAY_K3S_REQUIRED=true)");
    } else {
      assumeTrue(condition, reason);
    }
  }

  static boolean required() {
    return SettingsReader.flag(Setting.K3S_REQUIRED);
  }

  /**
   * The KubeRay release data ({@code kuberay.manifests.dir}, else {@code ../shared/kuberay} beside
   * the checkout).
   */
  static Optional<Path> manifestsDir(KubeRayVersion version) {
    return Stream.of(
            System.getProperty("kuberay.manifests.dir"),
            "../shared/kuberay",
            "../../shared/kuberay")
        .filter(s -> s != null && !s.isBlank())
        .map(Path::of)
        .filter(
            p ->
                Files.isRegularFile(
                    p.resolve(version.toString()).resolve("kustomize-default.yaml")))
        .findFirst()
        .map(Path::toAbsolutePath);
  }

  /** Skips (or fails when required) unless Docker answers; returns quietly when it does. */
  static void requireDocker(String what) {
    Optional<String> docker =
        DockerPreflight.problem(DockerPreflight.dockerHost(), DockerPreflight.DEFAULT_TIMEOUT);
    require(docker.isEmpty(), () -> what + " skipped: " + docker.orElse(""));
  }

  /**
   * Skips (or fails when required) unless every image the settings' k3s environment needs is in the
   * local Docker engine; {@code what} names the test and {@code howToBuild} the fix.
   */
  static void requireLocalImages(EnvironmentSettings settings, String what, String howToBuild) {
    OfflineTestcontainers.configure();
    var docker = DockerClientFactory.instance().client();
    Predicate<String> present =
        name -> {
          try {
            docker.inspectImageCmd(name).exec();
            return true;
          } catch (RuntimeException e) {
            return false;
          }
        };
    List<String> missing =
        K3sImages.resolve(settings, present).all().stream().filter(present.negate()).toList();
    require(
        missing.isEmpty(),
        () ->
            what
                + " skipped: images missing from the local Docker engine: "
                + missing
                + " ("
                + howToBuild
                + ")");
  }
}
