package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RayRuntimeTest {

  @Test
  void resolvesAProvisionedRayAndReusesIt() {
    RayRuntime runtime = RayRuntime.resolve();
    assertThat(runtime.isAvailable()).as("%s", runtime).isTrue();
    assertThat(runtime.rayVersion()).isEqualTo(RayRuntime.RAY_VERSION);
    assertThat(runtime.binDir().resolve("ray")).isExecutable();
    assertThat(RayRuntime.resolve()).isSameAs(runtime);

    long start = System.nanoTime();
    RayRuntime again =
        new RayProvisioner(HarnessDirs.cacheDir(), RayRuntime.RAY_VERSION).provision();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("reuse, not reinstall")
        .isLessThan(Duration.ofSeconds(15));
    assertThat(again.python()).isEqualTo(runtime.python());
    assertThat(runtime.python().getParent().getParent().resolve(RayProvisioner.MARKER))
        .satisfies(
            m ->
                assertThat(Files.exists(m) || !runtime.python().startsWith(HarnessDirs.cacheDir()))
                    .isTrue());
  }

  @Test
  void concurrentProvisioningFromTwoThreadsAgrees() {
    RayRuntime.resolve();
    List<CompletableFuture<RayRuntime>> both =
        List.of(
            CompletableFuture.supplyAsync(
                () ->
                    new RayProvisioner(HarnessDirs.cacheDir(), RayRuntime.RAY_VERSION).provision()),
            CompletableFuture.supplyAsync(
                () ->
                    new RayProvisioner(HarnessDirs.cacheDir(), RayRuntime.RAY_VERSION)
                        .provision()));
    assertThat(both).allSatisfy(f -> assertThat(f.join().isAvailable()).isTrue());
    assertThat(both.get(0).join().python()).isEqualTo(both.get(1).join().python());
  }

  @Test
  void theCacheKeyNamesRayVersionExtrasAndPython() {
    // A venv built with other extras (an older harness's ray[default] only) must not be taken for
    // this one.
    assertThat(RayProvisioner.venvName("2.52.0", "3.11"))
        .matches("ray-2\\.52\\.0-default-serve-[0-9a-f]{8}-py3\\.11");
    assertThat(RayProvisioner.venvName("2.52.0", "3.11"))
        .isNotEqualTo(RayProvisioner.venvName("2.52.1", "3.11"));
    assertThat(RayProvisioner.requirements("2.52.0"))
        .containsExactly("ray[default,serve]==2.52.0", "protobuf<7");
  }

  @Test
  void aUserImagesRequirementsGetAVenvPerFileContentAndAreInstalledWithRay(@TempDir Path dir)
      throws IOException {
    Path file = Files.writeString(dir.resolve("requirements.txt"), "six==1.16.0\n");
    RayProvisioner with = new RayProvisioner(dir, "2.52.0", Optional.of(file));
    String name = with.venvName("3.11");
    assertThat(name).matches("ray-2\\.52\\.0-default-serve-[0-9a-f]{8}-req-[0-9a-f]{8}-py3\\.11");
    assertThat(with.installs())
        .containsExactly("ray[default,serve]==2.52.0", "protobuf<7", "-r", file.toString());
    assertThat(new RayProvisioner(dir, "2.52.0").venvName("3.11"))
        .isEqualTo(RayProvisioner.venvName("2.52.0", "3.11"));
    Files.writeString(file, "six==1.17.0\n");
    assertThat(with.venvName("3.11")).as("an edited file gets its own venv").isNotEqualTo(name);
  }

  @Test
  void olderRayGetsTheProtobufAndSetuptoolsItsDashboardNeeds() {
    assertThat(RayProvisioner.requirements("2.9.0"))
        .containsExactly("ray[default,serve]==2.9.0", "protobuf<5", "setuptools<70");
    assertThat(RayProvisioner.requirements("2.33.1")).contains("protobuf<5");
    assertThat(RayProvisioner.requirements("2.34.0"))
        .containsExactly("ray[default,serve]==2.34.0", "protobuf<7");
    assertThat(RayProvisioner.requirements("2.46.0"))
        .containsExactly("ray[default,serve]==2.46.0", "protobuf<7");
    assertThat(RayProvisioner.venvName("2.9.0", "3.11"))
        .isNotEqualTo(RayProvisioner.venvName("2.46.0", "3.11"));
  }

  @Test
  void versionsCompareByNumberNotText() {
    assertThat(RayProvisioner.isBefore("2.9.0", "2.34.0")).isTrue();
    assertThat(RayProvisioner.isBefore("2.34.0", "2.34.0")).isFalse();
    assertThat(RayProvisioner.isBefore("2.100.0", "2.34.0")).isFalse();
    assertThat(RayProvisioner.isBefore("1.13.1", "2.0.0")).isTrue();
  }

  @Test
  void installProgressShowsResolutionDownloadsAndErrorsNotEveryPackage() {
    assertThat(RayInstaller.showsProgress("Resolved 64 packages in 1.08s")).isTrue();
    assertThat(RayInstaller.showsProgress("Downloading ray (64.2MiB)")).isTrue();
    assertThat(RayInstaller.showsProgress("Installed 63 packages in 349ms")).isTrue();
    assertThat(RayInstaller.showsProgress("  × No solution found when resolving dependencies:"))
        .isTrue();
    assertThat(RayInstaller.showsProgress(" + aiohttp==3.14.5")).isFalse();
    assertThat(RayInstaller.showsProgress("Collecting ray[default,serve]==2.52.0")).isTrue();
    assertThat(RayInstaller.showsProgress("Collecting aiohttp (from ray)")).isFalse();
  }

  @Test
  void installErrorsAreTheLinesPipAndUvReportThemWith() {
    assertThat(RayInstaller.reportsError("error: No solution found when resolving dependencies"))
        .isTrue();
    assertThat(
            RayInstaller.reportsError(
                "  cause: Because kuberay-harness-no-such-package was not found in the package"
                    + " registry"))
        .isTrue();
    assertThat(RayInstaller.reportsError("ERROR: No matching distribution found for x==9"))
        .isTrue();
    assertThat(RayInstaller.reportsError("Resolved 64 packages in 1.08s")).isFalse();
    assertThat(RayInstaller.showsProgress("  cause: Because x was not found")).isTrue();
  }

  @Test
  void provisionedRayServesHttp() {
    RayRuntime runtime = RayRuntime.resolve();
    var r =
        LocalExec.of(
                List.of(
                    runtime.python().toString(),
                    "-c",
                    "import ray.serve, fastapi, uvicorn, starlette, google.protobuf as pb; print('ok', pb.__version__)"))
            .withTimeout(Duration.ofMinutes(2))
            .run();
    assertThat(r.stdout()).as("%s", r.stderr()).contains("ok");
    assertThat(r.stdout().trim())
        .as("protobuf 7 breaks Serve's deployments")
        .doesNotContain("ok 7.");
  }

  @Test
  void explicitPythonWithoutRayFailsWithTheFix() {
    assertThatThrownBy(() -> RayProvisioner.fromExplicitPython("/usr/bin/true-not-a-python"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kuberay.python")
        .hasMessageContaining("Fix:");
  }

  @Test
  void unavailableRuntimeSaysWhyAndRefusesToLaunch() {
    RayRuntime none = RayRuntime.unavailable("no python3 on PATH.", "install python3.");

    assertThat(none.isAvailable()).isFalse();
    assertThat(none.unavailableReason()).contains("no python3 on PATH. Fix: install python3.");
    assertThatThrownBy(none::python).hasMessageContaining("no python3 on PATH");
    assertThatThrownBy(() -> RayNodeLauncher.create(none))
        .hasMessageContaining("Fix: install python3.");
  }
}
