package io.kuberay.harness.k3s;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayClusterChart;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints the tutorial flow's phases on the emulated backend and on k3s in one run, and their ratio.
 * Not a test: {@code java -cp $CP io.kuberay.harness.k3s.TutorialFlowBenchmark [manifestsDir]}
 * (default {@code ../shared/kuberay}), with Docker and the local images present. {@code
 * -Dbenchmark.k3s.only=true} skips the emulated run (e.g. to time a fresh and then a reused k3s
 * start with {@code -Dkuberay.k3s.reuse=true} in two JVMs); {@code -Dbenchmark.emulated.only=true}
 * skips the k3s run (no Docker needed).
 */
public final class TutorialFlowBenchmark {

  private static final String TUTORIAL = "import ray; ray.init(); print(ray.cluster_resources())";

  private TutorialFlowBenchmark() {}

  public static void main(String[] args) {
    Path manifests = Path.of(args.length > 0 ? args[0] : "../shared/kuberay").toAbsolutePath();
    boolean k3sOnly = Boolean.getBoolean("benchmark.k3s.only");
    Map<String, Long> emulated =
        k3sOnly ? Map.of() : run(KubeRayEnvironment.builder().backend(BackendType.EMULATED));
    if (Boolean.getBoolean("benchmark.emulated.only")) {
      emulated.forEach((phase, ms) -> System.out.printf("%-44s %8d ms%n", phase, ms));
      return;
    }
    Map<String, Long> k3s =
        run(
            KubeRayEnvironment.builder()
                .backend(BackendType.K3S)
                .manifestsDir(manifests)
                .startupTimeout(Duration.ofMinutes(5)));
    if (k3sOnly) {
      k3s.forEach((phase, ms) -> System.out.printf("%-44s %8d ms%n", phase, ms));
      return;
    }
    System.out.printf(
        "%-44s %10s %10s %8s%n",
        "phase (KubeRay v1.1.0, chart release, Ray 2.52.0)", "emulated", "k3s", "k3s/emu");
    emulated.forEach(
        (phase, ms) ->
            System.out.printf(
                "%-44s %8d ms %8d ms %7.1fx%n",
                phase, ms, k3s.get(phase), k3s.get(phase) / (double) Math.max(1, ms)));
  }

  private static Map<String, Long> run(KubeRayEnvironment.Builder builder) {
    Map<String, Long> phases = new LinkedHashMap<>();
    long total = System.nanoTime();
    long t = System.nanoTime();
    try (KubeRayEnvironment env =
        builder.kuberayVersion(KubeRayVersion.V1_1_0).rayMode(RayMode.REQUIRED).startExactly()) {
      phases.put("environment up, KubeRay installed", ms(t));
      t = System.nanoTime();
      RayClusterHandle cluster =
          env.rayClusters()
              .inNamespace(env.createNamespace("bench"))
              .install(
                  RayClusterChart.release("raycluster", KubeRayVersion.V1_1_0)
                      .set("head.resources.requests.cpu", "500m")
                      .set("worker.resources.requests.cpu", "500m"));
      cluster.awaitReady(Duration.ofMinutes(5));
      phases.put("RayCluster created -> ready", ms(t));
      t = System.nanoTime();
      ExecResult exec = cluster.headPod().exec("python", "-c", TUTORIAL);
      if (exec.exitCode() != 0 || !exec.stdout().contains("'CPU': 2.0")) {
        throw new IllegalStateException(
            "tutorial exec failed on " + env.backendType() + ": " + exec);
      }
      phases.put("exec of the tutorial command", ms(t));
      t = System.nanoTime();
      RayJobsClient jobs = RayJobsClient.connect(cluster.dashboardUrl());
      String id = jobs.submit(JobSubmission.entrypoint("python -c \"" + TUTORIAL + "\""));
      jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
      phases.put("job submit -> SUCCEEDED (incl. port-forward)", ms(t));
      t = System.nanoTime();
    }
    phases.put("environment closed", ms(t));
    phases.put("whole flow", ms(total));
    return phases;
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
