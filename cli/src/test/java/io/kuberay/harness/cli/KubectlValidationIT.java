package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real kubectl against {@code up} (no Ray processes): default validation reads the server's
 * OpenAPI v3 and leaves unknown fields to server-side field validation, so a typo fails under
 * Strict, warns under Warn and passes under Ignore; {@code kubectl explain} prints the CRD's and
 * Kubernetes' field docs; bad input gets the server's answer and the server keeps serving. Also
 * applies KubeRay's ray-cluster chart (release data beside the checkout) and, when KubeRay's sample
 * manifests are there ({@code <release data>/<version>/samples/}), every one of them.
 */
class KubectlValidationIT {

  /** Why a sample may be refused on any cluster without extra CRDs, or by kubectl itself. */
  private static final Pattern ACCEPTED_REFUSAL =
      Pattern.compile(
          "no matches for kind \"\\w+\" in version \"[^\"]+\"|cannot use generate name with apply");

  @TempDir static Path dir;
  private static ReleaseData releases;

  @BeforeAll
  static void releaseData() {
    releases = ReleaseData.require();
  }

  @ParameterizedTest(name = "KubeRay {0}")
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void kubectlValidatesExplainsAndIsAnsweredAsByARealServer(String version) throws IOException {
    Path kubeconfig = dir.resolve(version + ".kubeconfig");
    UpOptions options =
        UpOptions.defaults()
            .withKuberay(KubeRayVersion.of(version))
            .withKubeconfig(kubeconfig)
            .withRay(RayMode.OFF);
    try (Emulator emulator = Emulator.start(options, System.out)) {
      Kubectl k =
          new Kubectl(
              Clients.require(
                  "KubectlValidationIT",
                  emulator.kubeconfig(),
                  Files.createDirectories(dir.resolve(version))),
              dir.resolve(version + "-cache"));
      Path rayCluster = resource("raycluster.yaml");

      Clients.Result applied = k.run("apply", "-f", rayCluster.toString());
      assertThat(applied.exitCode()).as(applied.toString()).isZero();
      assertThat(applied.stdout()).contains("raycluster.ray.io/validation-sample created");
      assertThat(applied.stderr()).doesNotContain("Warning");

      Path typo = dir.resolve(version + "-typo.yaml");
      Files.writeString(
          typo,
          Files.readString(rayCluster)
              .replace("validation-sample", "validation-typo")
              .replace("rayVersion", "rayVersoin"));
      Clients.Result strict = k.run("apply", "-f", typo.toString());
      assertThat(strict.exitCode()).as(strict.toString()).isEqualTo(1);
      assertThat(strict.stderr())
          .contains(
              "Error from server (BadRequest): error when creating \""
                  + typo
                  + "\": RayCluster in version \"v1\""
                  + " cannot be handled as a RayCluster: strict decoding error: unknown field \"spec.rayVersoin\"");
      Clients.Result warn = k.run("apply", "--validate=warn", "-f", typo.toString());
      assertThat(warn.exitCode()).as(warn.toString()).isZero();
      assertThat(warn.stderr()).contains("Warning: unknown field \"spec.rayVersoin\"");
      assertThat(k.run("delete", "-f", typo.toString()).exitCode()).isZero();
      Clients.Result ignore = k.run("apply", "--validate=ignore", "-f", typo.toString());
      assertThat(ignore.exitCode()).as(ignore.toString()).isZero();
      assertThat(ignore.stderr()).doesNotContain("Warning");
      // Stored as the API server stores it: the unknown field pruned.
      assertThat(k.run("get", "raycluster", "validation-typo", "-o", "jsonpath={.spec}").stdout())
          .contains("headGroupSpec")
          .doesNotContain("rayVersoin");

      // A changed object is patched: the patch's new unknown field is refused the same way.
      Path patched = dir.resolve(version + "-patch.yaml");
      Files.writeString(
          patched,
          Files.readString(rayCluster)
              .replace("maxReplicas: 2", "maxReplicas: 2\n    maxReplicaz: 3"));
      Clients.Result patch = k.run("apply", "-f", patched.toString());
      assertThat(patch.exitCode()).as(patch.toString()).isEqualTo(1);
      assertThat(patch.stderr())
          .contains(
              "strict decoding error: unknown field \"spec.workerGroupSpecs[0].maxReplicaz\"");

      if (!version.equals("v1.1.0")) {
        // The CRD's validation rules (CEL), here on kubectl apply's patch of the existing object:
        // kubectl prints the refusal's causes as it does for a real server's.
        Path owner = dir.resolve(version + "-owner.yaml");
        Files.writeString(
            owner,
            Files.readString(rayCluster).replace("\nspec:\n", "\nspec:\n  managedBy: someone\n"));
        Clients.Result refused = k.run("apply", "-f", owner.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr())
            .contains(
                "The RayCluster \"validation-sample\" is invalid: spec.managedBy: Invalid value:"
                    + " \"someone\": the managedBy field value must be either"
                    + " 'ray.io/kuberay-operator' or 'kueue.x-k8s.io/multikueue'");
      }

      Clients.Result builtIn = k.run("create", "-f", resource("configmap-typo.yaml").toString());
      assertThat(builtIn.exitCode()).as(builtIn.toString()).isEqualTo(1);
      assertThat(builtIn.stderr())
          .contains(
              "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"datta\"");

      Clients.Result explainCrd = k.run("explain", "raycluster.spec.headGroupSpec");
      assertThat(explainCrd.exitCode()).as(explainCrd.toString()).isZero();
      assertThat(explainCrd.stdout())
          .contains("KIND:       RayCluster")
          .contains("rayStartParams")
          .contains("template\t<Object> -required-");
      Clients.Result explainPod = k.run("explain", "pod.spec.containers");
      assertThat(explainPod.exitCode()).as(explainPod.toString()).isZero();
      assertThat(explainPod.stdout())
          .contains("FIELD: containers <[]Container>")
          .contains("List of containers belonging to the pod.")
          .contains("imagePullPolicy\t<string>");

      Clients.Result uninstalled =
          k.run("apply", "-f", resource("uninstalled-kind.yaml").toString());
      assertThat(uninstalled.exitCode()).as(uninstalled.toString()).isEqualTo(1);
      assertThat(uninstalled.stderr())
          .contains("no matches for kind \"Queue\" in version \"scheduling.volcano.sh/v1beta1\"")
          .doesNotContain("openapi");

      Clients.Result malformed =
          k.run(
              "create",
              "--raw",
              "/api/v1/namespaces/default/configmaps",
              "-f",
              resource("malformed.json").toString());
      assertThat(malformed.exitCode()).as(malformed.toString()).isEqualTo(1);
      assertThat(malformed.stderr()).contains("BadRequest");
      Clients.Result unknownResource =
          k.run("get", "--raw", "/apis/ray.io/v1/namespaces/default/rayclusterz");
      assertThat(unknownResource.exitCode()).isEqualTo(1);
      assertThat(unknownResource.stderr()).contains("NotFound");
      assertThat(k.run("get", "raycluster", "validation-sample").exitCode())
          .as("the server keeps serving")
          .isZero();

      applyTheRayClusterChart(k, version);
      applyEverySample(k, version);
    }
  }

  /**
   * The ray-cluster chart of the release, rendered by helm: what the quick-start installs, applied
   * with default validation.
   */
  private static void applyTheRayClusterChart(Kubectl k, String version) throws IOException {
    Path chart = releases.rayClusterChart(KubeRayVersion.of(version));
    Clients.Result rendered = k.clients().helm("template", "chart-sample", chart.toString());
    assertThat(rendered.exitCode()).as(rendered.toString()).isZero();
    Path manifest = dir.resolve(version + "-chart.yaml");
    Files.writeString(manifest, rendered.stdout());
    Clients.Result applied = k.run("apply", "-f", manifest.toString());
    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    assertThat(applied.stdout()).contains("raycluster.ray.io/chart-sample-kuberay created");
    assertThat(applied.stderr()).doesNotContain("Warning");
  }

  /**
   * KubeRay's own sample manifests, when the release data has them: each accepted, or refused for a
   * reason a real cluster gives.
   */
  private static void applyEverySample(Kubectl k, String version) throws IOException {
    Optional<Path> samples =
        Optional.of(releases.release(KubeRayVersion.of(version)))
            .map(d -> d.resolve(version).resolve("samples"))
            .filter(Files::isDirectory)
            .or(() -> Optional.of(fetchedSamples().resolve(version)).filter(Files::isDirectory));
    if (samples.isEmpty()) {
      // tools/fetch-kuberay-samples.sh gets them from the Go module proxy; CI runs it, so there
      // they must be present
      // for every release the proxy serves (v1.7.0's module is not served: the script says so).
      Path unavailable = fetchedSamples().resolve(version + ".unavailable");
      if (Files.isRegularFile(unavailable)) {
        System.out.println(
            "[KubectlValidationIT] "
                + version
                + ": KubeRay's samples cannot be had offline: "
                + Files.readString(unavailable).strip());
        return;
      }
      assertThat(System.getenv("KUBERAY_SAMPLES_REQUIRED"))
          .as(
              "KubeRay "
                  + version
                  + "'s samples are required (KUBERAY_SAMPLES_REQUIRED)"
                  + " but neither the release data nor "
                  + fetchedSamples()
                  + " has them; run tools/fetch-kuberay-samples.sh "
                  + version)
          .isNotEqualTo("true");
      System.out.println(
          "[KubectlValidationIT] "
              + version
              + ": no samples (tools/fetch-kuberay-samples.sh); KubeRay's sample manifests are not applied");
      return;
    }
    List<String> refused = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(samples.get(), "*.yaml")) {
      for (Path f : files) {
        Clients.Result r = k.run("apply", "--dry-run=server", "-f", f.toString());
        if (r.exitCode() != 0) {
          assertThat(r.stderr())
              .as(f + " refused for a reason a real cluster gives\n" + r)
              .containsPattern(ACCEPTED_REFUSAL);
          refused.add(f.getFileName().toString());
        }
        assertThat(r.stderr()).as(f + "\n" + r).doesNotContain("unknown field");
      }
    }
    System.out.println(
        "[KubectlValidationIT] "
            + version
            + ": samples refused for kinds not installed or generateName: "
            + refused);
  }

  /** Where tools/fetch-kuberay-samples.sh puts KubeRay's samples, one directory per release. */
  static Path fetchedSamples() {
    String explicit = System.getenv("KUBERAY_HARNESS_SAMPLES");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return cache.resolve("kuberay-harness").resolve("kuberay-samples");
  }

  private static Path resource(String name) throws IOException {
    Path target = dir.resolve(name);
    if (!Files.exists(target)) {
      try (InputStream in =
          KubectlValidationIT.class.getResourceAsStream("/kubectl-validation/" + name)) {
        assertThat(in).as("test resource " + name).isNotNull();
        Files.copy(in, target);
      }
    }
    return target;
  }

  /** kubectl with one environment's kubeconfig and a discovery/OpenAPI cache of its own. */
  private record Kubectl(Clients clients, Path cache) {

    Clients.Result run(String... args) {
      return clients.kubectl(List.of("--cache-dir=" + cache), List.of(args));
    }
  }
}
