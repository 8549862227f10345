package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
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

  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

  /** Why a sample may be refused on any cluster without extra CRDs, or by kubectl itself. */
  private static final Pattern ACCEPTED_REFUSAL =
      Pattern.compile(
          "no matches for kind \"\\w+\" in version \"[^\"]+\"|cannot use generate name with apply");

  @TempDir static Path dir;
  private static Path kubectl;

  @BeforeAll
  static void tools() {
    Optional<Path> found = UpWithKubectlIT.findKubectl();
    if (found.isEmpty()) {
      String reason =
          "kubectl is not available (not on the PATH, not in "
              + UpWithKubectlIT.toolsCache()
              + "); run tools/install-kubectl.sh to enable this test";
      System.out.println("[KubectlValidationIT] ABORTED: " + reason);
      Assumptions.abort(reason);
    }
    kubectl = found.get();
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
      Kubectl k = new Kubectl(emulator.kubeconfig(), dir.resolve(version + "-cache"));
      Path rayCluster = resource("raycluster.yaml");

      Result applied = k.run("apply", "-f", rayCluster.toString());
      assertThat(applied.exitCode()).as(applied.toString()).isZero();
      assertThat(applied.stdout()).contains("raycluster.ray.io/validation-sample created");
      assertThat(applied.stderr()).doesNotContain("Warning");

      Path typo = dir.resolve(version + "-typo.yaml");
      Files.writeString(
          typo,
          Files.readString(rayCluster)
              .replace("validation-sample", "validation-typo")
              .replace("rayVersion", "rayVersoin"));
      Result strict = k.run("apply", "-f", typo.toString());
      assertThat(strict.exitCode()).as(strict.toString()).isEqualTo(1);
      assertThat(strict.stderr())
          .contains(
              "Error from server (BadRequest): error when creating \""
                  + typo
                  + "\": RayCluster in version \"v1\""
                  + " cannot be handled as a RayCluster: strict decoding error: unknown field \"spec.rayVersoin\"");
      Result warn = k.run("apply", "--validate=warn", "-f", typo.toString());
      assertThat(warn.exitCode()).as(warn.toString()).isZero();
      assertThat(warn.stderr()).contains("Warning: unknown field \"spec.rayVersoin\"");
      assertThat(k.run("delete", "-f", typo.toString()).exitCode()).isZero();
      Result ignore = k.run("apply", "--validate=ignore", "-f", typo.toString());
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
      Result patch = k.run("apply", "-f", patched.toString());
      assertThat(patch.exitCode()).as(patch.toString()).isEqualTo(1);
      assertThat(patch.stderr())
          .contains(
              "strict decoding error: unknown field \"spec.workerGroupSpecs[0].maxReplicaz\"");

      Result builtIn = k.run("create", "-f", resource("configmap-typo.yaml").toString());
      assertThat(builtIn.exitCode()).as(builtIn.toString()).isEqualTo(1);
      assertThat(builtIn.stderr())
          .contains(
              "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"datta\"");

      Result explainCrd = k.run("explain", "raycluster.spec.headGroupSpec");
      assertThat(explainCrd.exitCode()).as(explainCrd.toString()).isZero();
      assertThat(explainCrd.stdout())
          .contains("KIND:       RayCluster")
          .contains("rayStartParams")
          .contains("template\t<Object> -required-");
      Result explainPod = k.run("explain", "pod.spec.containers");
      assertThat(explainPod.exitCode()).as(explainPod.toString()).isZero();
      assertThat(explainPod.stdout())
          .contains("FIELD: containers <[]Container>")
          .contains("List of containers belonging to the pod.")
          .contains("imagePullPolicy\t<string>");

      Result uninstalled = k.run("apply", "-f", resource("uninstalled-kind.yaml").toString());
      assertThat(uninstalled.exitCode()).as(uninstalled.toString()).isEqualTo(1);
      assertThat(uninstalled.stderr())
          .contains("no matches for kind \"Queue\" in version \"scheduling.volcano.sh/v1beta1\"")
          .doesNotContain("openapi");

      Result malformed =
          k.run(
              "create",
              "--raw",
              "/api/v1/namespaces/default/configmaps",
              "-f",
              resource("malformed.json").toString());
      assertThat(malformed.exitCode()).as(malformed.toString()).isEqualTo(1);
      assertThat(malformed.stderr()).contains("BadRequest");
      Result unknownResource =
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
    Optional<Path> chart =
        releaseData()
            .map(
                d ->
                    d.resolve(version)
                        .resolve("charts")
                        .resolve("ray-cluster-" + version.substring(1) + ".tgz"))
            .filter(Files::isRegularFile);
    Path helm = UpWithKubectlIT.toolsCache().resolve("bin").resolve("helm");
    if (chart.isEmpty() || !Files.isExecutable(helm)) {
      System.out.println(
          "[KubectlValidationIT] "
              + version
              + ": no ray-cluster chart or helm; the chart is not applied");
      return;
    }
    Result rendered =
        k.exec(List.of(helm.toString(), "template", "chart-sample", chart.get().toString()));
    assertThat(rendered.exitCode()).as(rendered.toString()).isZero();
    Path manifest = dir.resolve(version + "-chart.yaml");
    Files.writeString(manifest, rendered.stdout());
    Result applied = k.run("apply", "-f", manifest.toString());
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
        releaseData()
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
        Result r = k.run("apply", "--dry-run=server", "-f", f.toString());
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
  private static Path fetchedSamples() {
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

  /**
   * KubeRay's release data: {@code -Dkuberay.release.data=DIR}, else {@code ../shared/kuberay}
   * beside the checkout.
   */
  private static Optional<Path> releaseData() {
    String explicit = System.getProperty("kuberay.release.data");
    Path dir =
        explicit != null && !explicit.isBlank()
            ? Path.of(explicit)
            : Path.of("..", "..", "shared", "kuberay");
    return Files.isDirectory(dir)
        ? Optional.of(dir.toAbsolutePath().normalize())
        : Optional.empty();
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

  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /** kubectl with one environment's kubeconfig and a cache directory of its own. */
  private record Kubectl(Path kubeconfig, Path cache) {

    Result run(String... args) {
      List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--cache-dir=" + cache));
      command.addAll(List.of(args));
      Result r = exec(command);
      System.out.println(
          "[KubectlValidationIT] kubectl " + String.join(" ", args) + " -> exit " + r.exitCode());
      return r;
    }

    Result exec(List<String> command) {
      try {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb =
            new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(Map.of("KUBECONFIG", kubeconfig.toString()));
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError(
              "timed out after "
                  + COMMAND_TIMEOUT
                  + ": "
                  + command
                  + "\n"
                  + Files.readString(out)
                  + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      } catch (IOException e) {
        throw new AssertionError("cannot run " + command, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
