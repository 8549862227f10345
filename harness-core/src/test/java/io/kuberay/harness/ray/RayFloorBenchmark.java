package io.kuberay.harness.ray;

import static org.awaitility.Awaitility.await;

import io.kuberay.harness.ExecResult;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Floor costs of running Ray locally on this machine. Run with
 * {@code mvn -pl harness-core test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.kuberay.harness.ray.RayFloorBenchmark}.
 */
final class RayFloorBenchmark {

  private RayFloorBenchmark() {}

  public static void main(String[] args) throws Exception {
    RayRuntime runtime = RayRuntime.resolve();
    if (!runtime.isAvailable()) {
      System.out.println("Ray unavailable: " + runtime.unavailableReason().orElseThrow());
      return;
    }
    Path logs = Files.createTempDirectory("ray-bench");
    long floorHead = rawHead(runtime, logs);
    System.out.printf("floor: raw 'ray start --head --block' to dashboard ready: %d ms%n", floorHead);
    harness(runtime, floorHead);

    RayNodeLauncher launcher = RayNodeLauncher.create(runtime);
    long t0 = System.nanoTime();
    RayNode head = launcher.launch(RayNodeSpec.head("bench-head").rayStartParams(Map.of("num-cpus", "1"))
        .logFile(logs.resolve("head.log")).build());
    RayNode worker = launcher.launch(RayNodeSpec.worker("bench-worker", head.gcsAddress())
        .rayStartParams(Map.of("num-cpus", "1")).logFile(logs.resolve("worker.log")).build());
    try {
      head.awaitReady(Duration.ofMinutes(3));
      worker.awaitReady(Duration.ofMinutes(3));
      System.out.printf("launcher head+worker to both ready: %d ms%n", ms(t0));

      Map<String, String> env = new HashMap<>(runtime.environment());
      env.put("RAY_ADDRESS", head.gcsAddress());
      for (int i = 0; i < 2; i++) {
        ExecResult r = LocalExec.of(List.of(runtime.python().toString(), "-c",
            "import ray; ray.init(); print(ray.cluster_resources())")).withEnv(env).run();
        System.out.printf("exec ray.init()+cluster_resources round trip #%d: %d ms (exit %d)%n", i + 1,
            r.duration().toMillis(), r.exitCode());
      }
      RayJobsClient jobs = RayJobsClient.connect(head.dashboardUrl());
      for (int i = 0; i < 3; i++) {
        long s = System.nanoTime();
        String id = jobs.submit(JobSubmission.entrypoint("echo hi"));
        jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
        System.out.printf("submit -> SUCCEEDED of 'echo hi' #%d: %d ms%n", i + 1, ms(s));
      }
      System.out.printf("RSS of head process tree: %d MB, PSS %d MB (%d processes)%n", rssKb(head.pid()) / 1024,
          pssKb(head.pid()) / 1024,
          ProcessTree.snapshot(ProcessHandle.of(head.pid()).orElseThrow()).size());
      System.out.printf("RSS of worker process tree: %d MB, PSS %d MB (%d processes)%n", rssKb(worker.pid()) / 1024,
          pssKb(worker.pid()) / 1024,
          ProcessTree.snapshot(ProcessHandle.of(worker.pid()).orElseThrow()).size());
    } finally {
      long s = System.nanoTime();
      worker.stop();
      head.stop();
      System.out.printf("stop worker+head: %d ms%n", ms(s));
    }
  }

  /** The harness's own path, each figure with its ratio to the floor measured in the same run. */
  private static void harness(RayRuntime runtime, long floorHead) {
    try (io.kuberay.harness.KubeRayEnvironment env = io.kuberay.harness.KubeRayEnvironment.builder()
        .kuberayVersion("v1.1.0").rayMode(io.kuberay.harness.RayMode.REQUIRED).startExactly()) {
      long t0 = System.nanoTime();
      io.kuberay.harness.RayClusterHandle cluster = env.rayClusters()
          .create(io.kuberay.harness.RayClusterSpec.helmChartDefaults("raycluster", io.kuberay.harness.KubeRayVersion.V1_1_0))
          .awaitReady(Duration.ofMinutes(3));
      long ready = ms(t0);
      System.out.printf("harness: RayCluster (head + 1 worker) create -> ready: %d ms = %.2fx the raw head floor%n", ready, (double) ready / floorHead);
      for (int i = 0; i < 2; i++) {
        ExecResult r = cluster.headPod().exec("python", "-c", "import ray; ray.init(); print(ray.cluster_resources())");
        System.out.printf("harness: head-pod exec of the tutorial command #%d: %d ms (exit %d)%n", i + 1, r.duration().toMillis(), r.exitCode());
      }
      URI dashboard = cluster.dashboardUrl();
      Map<String, String> env2 = new HashMap<>(runtime.environment());
      long s = System.nanoTime();
      ExecResult cli = LocalExec.of(List.of(runtime.binDir().resolve("ray").toString(), "job", "submit", "--address", dashboard.toString(), "--", "echo", "hi"))
          .withEnv(env2).withTimeout(Duration.ofMinutes(2)).run();
      long floorJob = ms(s);
      System.out.printf("floor: raw 'ray job submit -- echo hi' (blocking CLI): %d ms (exit %d)%n", floorJob, cli.exitCode());
      RayJobsClient jobs = RayJobsClient.connect(dashboard);
      for (int i = 0; i < 3; i++) {
        long j = System.nanoTime();
        String id = jobs.submit(JobSubmission.entrypoint("echo hi"));
        jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
        long took = ms(j);
        System.out.printf("harness: RayJobsClient submit -> SUCCEEDED of 'echo hi' #%d: %d ms = %.2fx the CLI floor%n", i + 1, took, (double) took / floorJob);
      }
    }
  }

  private static long rawHead(RayRuntime runtime, Path logs) throws IOException {
    int gcs = PortAllocator.freePort();
    int dash = PortAllocator.freePort();
    Path temp = Files.createTempDirectory(Path.of("/tmp"), "krb");
    ProcessBuilder pb = new ProcessBuilder(runtime.binDir().resolve("ray").toString(), "start", "--head", "--block",
        "--port=" + gcs, "--dashboard-port=" + dash, "--dashboard-host=127.0.0.1", "--node-ip-address=127.0.0.1",
        "--num-cpus=1", "--object-store-memory=100000000", "--temp-dir=" + temp, "--disable-usage-stats")
        .redirectErrorStream(true).redirectOutput(logs.resolve("raw.log").toFile());
    pb.environment().putAll(runtime.environment());
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + dash + "/api/gcs_healthz");
      await("raw head dashboard").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
          .until(() -> HealthProbe.check(url).equals("success"));
      return ms(t0);
    } finally {
      ProcessTree.terminateTree(p.toHandle(), Duration.ofSeconds(10));
      RayProvisioner.deleteTree(temp);
    }
  }

  private static long rssKb(long pid) {
    return sumKb(pid, "status", "VmRSS:");
  }

  /** Proportional set size: shared pages divided among their users, so it does not overcount shared libraries. */
  private static long pssKb(long pid) {
    return sumKb(pid, "smaps_rollup", "Pss:");
  }

  private static long sumKb(long pid, String file, String key) {
    return ProcessTree.snapshot(ProcessHandle.of(pid).orElseThrow()).stream().mapToLong(p -> {
      try {
        return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), file)).stream()
            .filter(l -> l.startsWith(key)).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).sum();
      } catch (IOException e) {
        return 0;
      }
    }).sum();
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
