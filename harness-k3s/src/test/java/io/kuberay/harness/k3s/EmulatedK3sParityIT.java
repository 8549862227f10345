package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.BackendUnavailableException;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayClusterChart;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The parity suite: the tutorial flow (chart release, ready, exec, job) on the emulated backend and on k3s with
 * the real operator, compared line by line on what a user can observe. Every difference must be listed in
 * {@code docs/PARITY.md}, and every difference listed there must still be observed, so the document stays
 * true. The full comparison is written to {@code target/parity/}.
 */
class EmulatedK3sParityIT {

  private static final String TUTORIAL = "import ray; ray.init(); print(ray.cluster_resources())";
  private static final Path PARITY_DOC = Path.of("../docs/PARITY.md");

  @Test
  @DisplayName("KubeRay v1.1.0 tutorial: emulated and k3s differ only where docs/PARITY.md says")
  void tutorialOnV110() throws IOException {
    compare(KubeRayVersion.V1_1_0);
  }

  @Test
  @DisplayName("KubeRay v1.5.0 tutorial: emulated and k3s differ only where docs/PARITY.md says")
  void tutorialOnV150() throws IOException {
    compare(KubeRayVersion.V1_5_0);
  }

  private static void compare(KubeRayVersion version) throws IOException {
    K3sTestConditions.requireDocker("parity test");
    Path manifests = K3sTestConditions.manifestsDir(version).orElse(null);
    K3sTestConditions.require(manifests != null, () -> "parity test skipped: no KubeRay release data (set kuberay.manifests.dir; CI uses ../shared/kuberay)");

    Observation k3s;
    try (KubeRayEnvironment env = builder(version).backend(BackendType.K3S).manifestsDir(manifests).startupTimeout(Duration.ofMinutes(5)).startExactly()) {
      k3s = observe(env);
    } catch (BackendUnavailableException e) {
      K3sTestConditions.require(false, () -> "parity test skipped: " + e.getMessage());
      return;
    }
    Observation emulated;
    try (KubeRayEnvironment env = builder(version).backend(BackendType.EMULATED).startExactly()) {
      emulated = observe(env);
    }

    Map<String, List<String>> differences = differences(emulated.lines(), k3s.lines());
    writeReport(version, differences);
    KnownDifferences known = KnownDifferences.read(PARITY_DOC, version);
    assertThat(differences.keySet().stream().filter(path -> !known.covers(path)).map(path -> path + " (emulated: " + differences.get(path).get(0)
        + ", k3s: " + differences.get(path).get(1) + ")").toList())
        .as("differences between emulated and k3s that docs/PARITY.md does not list (full report: target/parity/%s.md)", version)
        .isEmpty();
    assertThat(known.unobserved(differences.keySet()))
        .as("differences docs/PARITY.md lists for %s that were not observed (fixed? then remove them from the document)", version)
        .isEmpty();
  }

  private static KubeRayEnvironment.Builder builder(KubeRayVersion version) {
    return KubeRayEnvironment.builder().kuberayVersion(version).rayMode(RayMode.REQUIRED);
  }

  private static Observation observe(KubeRayEnvironment env) {
    String ns = env.createNamespace("parity");
    RayClusterChart chart = RayClusterChart.release("raycluster", env.kuberayVersion())
        .set("head.resources.requests.cpu", "500m")
        .set("worker.resources.requests.cpu", "500m");
    RayClusterHandle cluster = env.rayClusters().inNamespace(ns).install(chart).awaitReady(Duration.ofMinutes(5));
    ExecResult exec = cluster.headPod().exec("python", "-c", TUTORIAL);
    RayJobsClient jobs = RayJobsClient.connect(cluster.dashboardUrl());
    String id = jobs.submit(JobSubmission.entrypoint("python -c \"" + TUTORIAL + "\"").withSubmissionId("parity-job"));
    jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
    Observation o = Observation.of(env, cluster, exec.stdout());
    o.put("exec.exitCode", Integer.toString(exec.exitCode()));
    o.put("job.status", jobs.get(id).status().name());
    o.put("job.logs.containsTutorialOutput", Boolean.toString(jobs.logs(id).contains("'CPU': 2.0")));
    return o;
  }

  /** path → [emulated value, k3s value], "(absent)" where one side lacks the path. */
  private static Map<String, List<String>> differences(Map<String, String> emulated, Map<String, String> k3s) {
    TreeSet<String> paths = new TreeSet<>(emulated.keySet());
    paths.addAll(k3s.keySet());
    Map<String, List<String>> out = new TreeMap<>();
    for (String path : paths) {
      String e = emulated.getOrDefault(path, "(absent)");
      String k = k3s.getOrDefault(path, "(absent)");
      if (!e.equals(k)) {
        out.put(path, List.of(e, k));
      }
    }
    return out;
  }

  private static void writeReport(KubeRayVersion version, Map<String, List<String>> differences) throws IOException {
    Path dir = Path.of("target/parity");
    Files.createDirectories(dir);
    String table = differences.entrySet().stream()
        .map(e -> "| `" + e.getKey() + "` | " + cell(e.getValue().get(0)) + " | " + cell(e.getValue().get(1)) + " |")
        .collect(Collectors.joining("\n"));
    Files.writeString(dir.resolve(version + ".md"), "# Emulated vs k3s, KubeRay " + version + ": " + differences.size()
        + " differences\n\n| path | emulated | k3s |\n|---|---|---|\n" + table + "\n");
  }

  private static String cell(String value) {
    // Whitespace made visible: some differences are only that.
    return value.replace("|", "\\|").replace("\n", "\\n").replace("\t", "\\t");
  }
}
