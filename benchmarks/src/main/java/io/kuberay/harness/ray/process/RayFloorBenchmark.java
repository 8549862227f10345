package io.kuberay.harness.ray.process;

import static org.awaitility.Awaitility.await;

import io.kuberay.harness.ExecResult;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.RayClusterSpec;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;

/**
 * Floor costs of running Ray locally on this machine, and the harness's own path against them in
 * the same run. The machine is shared and noisy: the floor and the harness's RayCluster alternate
 * for a number of rounds (first argument, default 5) and every ratio is taken within one round. Run
 * with {@code java -cp $CP io.kuberay.harness.ray.process.RayFloorBenchmark [rounds]} (classpath:
 * docs/PERFORMANCE.md).
 */
final class RayFloorBenchmark {

  /**
   * What the ray-cluster chart (v1.1.0) gives the head, as the operator renders it into {@code ray
   * start}.
   */
  private static final Map<String, String> CHART_HEAD_PARAMS =
      Map.of(
          "dashboard-host",
          "0.0.0.0",
          "metrics-export-port",
          "8080",
          "block",
          "true",
          "dashboard-agent-listen-port",
          "52365",
          "num-cpus",
          "1",
          "memory",
          "2000000000");

  /**
   * {@code -Dbench.roundsOnly=true}: only the floor against the RayCluster, not the other figures.
   */
  private static final boolean ROUNDS_ONLY = Boolean.getBoolean("bench.roundsOnly");

  /**
   * {@code -Dbench.rayVersion=2.46.0}: the Ray of both the floor and the RayCluster (whose image
   * says it); default the harness's default. The chart's own image (2.9.0 for v1.1.0) would compare
   * another Ray with the floor.
   */
  private static final String VERSION =
      System.getProperty("bench.rayVersion", RayRuntime.RAY_VERSION);

  private RayFloorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path logs = Files.createTempDirectory("ray-bench");
    try {
      System.out.println("load before: " + load() + "; Ray " + VERSION);
      List<long[]> results = new ArrayList<>();
      RayRuntime runtime;
      try (KubeRayEnvironment env =
          KubeRayEnvironment.builder()
              .kuberayVersion("v1.1.0")
              .rayMode(RayMode.REQUIRED)
              .startExactly()) {
        // First use of the version in this cache: the pod provisions it (a cached version only
        // resolves).
        long first = clusterReady(env, "first");
        System.out.printf(
            "first RayCluster of Ray %s in this JVM (provisioning it if the cache lacks it)"
                + " -> ready: %d ms%n",
            VERSION, first);
        runtime = RayRuntime.resolve(VERSION);
        if (!runtime.isAvailable()) {
          System.out.println("Ray unavailable: " + runtime.unavailableReason().orElseThrow());
          return;
        }
        for (int round = 1; round <= rounds; round++) {
          awaitQuiet();
          long[] floor = rawHead(runtime, logs);
          awaitQuiet();
          long ready = clusterReady(env, "bench" + round);
          results.add(new long[] {floor[0], floor[1], ready});
          System.out.printf(
              "round %d (load %s): floor: raw 'ray start --head --block' to dashboard ready %d ms"
                  + " (both head probes %d ms); harness: RayCluster (head + 1 worker) create -> ready %d ms"
                  + " = %.2fx the floor (%.2fx head ready)%n",
              round,
              load(),
              floor[0],
              floor[1],
              ready,
              (double) ready / floor[0],
              (double) ready / floor[1]);
        }
        summary(results);
        if (!ROUNDS_ONLY) {
          otherFigures(runtime, env);
        }
      }
      if (!ROUNDS_ONLY) {
        launcherFigures(runtime, logs);
      }
      System.out.println("load after: " + load());
    } finally {
      RayProvisioner.deleteTree(logs);
    }
  }

  private static void summary(List<long[]> results) {
    System.out.printf("floor (dashboard ready): %s%n", stats(results, r -> r[0]));
    System.out.printf("floor (both head probes): %s%n", stats(results, r -> r[1]));
    System.out.printf(
        "harness create -> ready: %s; first round %d ms%n",
        stats(results, r -> r[2]), results.get(0)[2]);
    System.out.printf("ratio to the floor, per round: %s%n", ratios(results, 0));
    System.out.printf("ratio to head ready, per round: %s%n", ratios(results, 1));
  }

  private static String stats(List<long[]> results, ToLongFunction<long[]> f) {
    List<Long> v = results.stream().map(r -> f.applyAsLong(r)).sorted().toList();
    return "min "
        + v.get(0)
        + " ms, median "
        + v.get(v.size() / 2)
        + " ms, max "
        + v.get(v.size() - 1)
        + " ms";
  }

  private static String ratios(List<long[]> results, int floorIndex) {
    List<Double> v = results.stream().map(r -> (double) r[2] / r[floorIndex]).sorted().toList();
    return String.format(
        "min %.2fx, median %.2fx, max %.2fx", v.get(0), v.get(v.size() / 2), v.get(v.size() - 1));
  }

  private static RayClusterSpec chartCluster(String release) {
    return RayClusterSpec.helmChartDefaults(release, KubeRayVersion.V1_1_0)
        .withImage("rayproject/ray:" + VERSION);
  }

  /**
   * The chart's RayCluster from create to status ready; then deleted, waiting until its processes
   * are gone.
   */
  private static long clusterReady(KubeRayEnvironment env, String release) throws Exception {
    Duration jvm0 = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    long t0 = System.nanoTime();
    RayClusterHandle cluster =
        env.rayClusters().create(chartCluster(release)).awaitReady(Duration.ofMinutes(3));
    long ready = ms(t0);
    System.out.printf(
        "  (the JVM used %d ms of CPU meanwhile)%n",
        ProcessHandle.current()
            .info()
            .totalCpuDuration()
            .orElse(Duration.ZERO)
            .minus(jvm0)
            .toMillis());
    cluster.delete();
    await("pods and Ray nodes of " + release + " gone")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                env.client().pods().inNamespace("default").list().getItems().isEmpty()
                    && ProcessHandle.current()
                        .descendants()
                        .noneMatch(p -> p.info().command().orElse("").endsWith("raylet")));
    return ready;
  }

  /** The harness's own path, each figure with its ratio to the floor measured in the same run. */
  private static void otherFigures(RayRuntime runtime, KubeRayEnvironment env) {
    RayClusterHandle cluster =
        env.rayClusters().create(chartCluster("raycluster")).awaitReady(Duration.ofMinutes(3));
    for (int i = 0; i < 2; i++) {
      ExecResult r =
          cluster
              .headPod()
              .exec("python", "-c", "import ray; ray.init(); print(ray.cluster_resources())");
      System.out.printf(
          "harness: head-pod exec of the tutorial command #%d: %d ms (exit %d)%n",
          i + 1, r.duration().toMillis(), r.exitCode());
    }
    URI dashboard = cluster.dashboardUrl();
    Map<String, String> env2 = new HashMap<>(runtime.environment());
    long s = System.nanoTime();
    ExecResult cli =
        LocalExec.of(
                List.of(
                    runtime.binDir().resolve("ray").toString(),
                    "job",
                    "submit",
                    "--address",
                    dashboard.toString(),
                    "--",
                    "echo",
                    "hi"))
            .withEnv(env2)
            .withTimeout(Duration.ofMinutes(2))
            .run();
    long floorJob = ms(s);
    System.out.printf(
        "floor: raw 'ray job submit -- echo hi' (blocking CLI): %d ms (exit %d)%n",
        floorJob, cli.exitCode());
    RayJobsClient jobs = RayJobsClient.connect(dashboard);
    for (int i = 0; i < 3; i++) {
      long j = System.nanoTime();
      String id = jobs.submit(JobSubmission.entrypoint("echo hi"));
      jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
      long took = ms(j);
      System.out.printf(
          "harness: RayJobsClient submit -> SUCCEEDED of 'echo hi' #%d: %d ms = %.2fx the CLI floor%n",
          i + 1, took, (double) took / floorJob);
    }
    cluster.delete();
  }

  /** The launcher alone (no Kubernetes): head and worker started together, jobs, memory, stop. */
  private static void launcherFigures(RayRuntime runtime, Path logs) {
    RayNodeLauncher launcher = RayNodeLauncher.create(runtime);
    long t0 = System.nanoTime();
    RayNode head =
        launcher.launch(
            RayNodeSpec.head("bench-head")
                .rayStartParams(Map.of("num-cpus", "1"))
                .logFile(logs.resolve("head.log"))
                .build());
    RayNode worker =
        launcher.launch(
            RayNodeSpec.worker("bench-worker", head.gcsAddress())
                .rayStartParams(Map.of("num-cpus", "1"))
                .logFile(logs.resolve("worker.log"))
                .build());
    try {
      head.awaitReady(Duration.ofMinutes(3));
      worker.awaitReady(Duration.ofMinutes(3));
      System.out.printf("launcher head+worker to both ready: %d ms%n", ms(t0));

      Map<String, String> env = new HashMap<>(runtime.environment());
      env.put("RAY_ADDRESS", head.gcsAddress());
      for (int i = 0; i < 2; i++) {
        ExecResult r =
            LocalExec.of(
                    List.of(
                        runtime.python().toString(),
                        "-c",
                        "import ray; ray.init(); print(ray.cluster_resources())"))
                .withEnv(env)
                .run();
        System.out.printf(
            "exec ray.init()+cluster_resources round trip #%d: %d ms (exit %d)%n",
            i + 1, r.duration().toMillis(), r.exitCode());
      }
      RayJobsClient jobs = RayJobsClient.connect(head.dashboardUrl());
      for (int i = 0; i < 3; i++) {
        long s = System.nanoTime();
        String id = jobs.submit(JobSubmission.entrypoint("echo hi"));
        jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
        System.out.printf("submit -> SUCCEEDED of 'echo hi' #%d: %d ms%n", i + 1, ms(s));
      }
      System.out.printf(
          "RSS of head process tree: %d MB, PSS %d MB (%d processes)%n",
          rssKb(head.pid()) / 1024,
          pssKb(head.pid()) / 1024,
          ProcessTree.snapshot(ProcessHandle.of(head.pid()).orElseThrow()).size());
      System.out.printf(
          "RSS of worker process tree: %d MB, PSS %d MB (%d processes)%n",
          rssKb(worker.pid()) / 1024,
          pssKb(worker.pid()) / 1024,
          ProcessTree.snapshot(ProcessHandle.of(worker.pid()).orElseThrow()).size());
    } finally {
      long s = System.nanoTime();
      worker.stop();
      head.stop();
      System.out.printf("stop worker+head: %d ms%n", ms(s));
    }
  }

  /**
   * Plain {@code ray start --head --block}, no harness around it, with exactly the command line the
   * harness gives the chart's head (its flags, loopback ports, temp dir and object store size) and
   * the same Python. Returns the ms to {@code /api/gcs_healthz} answering {@code success} (the
   * dashboard ready) and to both of KubeRay's head readiness checks passing ({@code
   * /api/local_raylet_healthz} too: the head's raylet starts after the dashboard).
   */
  private static long[] rawHead(RayRuntime runtime, Path logs) throws IOException {
    RayNodeSpec spec =
        RayNodeSpec.head("floor")
            .rayStartParams(CHART_HEAD_PARAMS)
            .logFile(logs.resolve("raw.log"))
            .build();
    int minWorker = PortAllocator.freeRange(100);
    RayPorts ports =
        new RayPorts(
            PortAllocator.freePort(),
            PortAllocator.freePort(),
            PortAllocator.freePort(),
            PortAllocator.freePort(),
            PortAllocator.freePort(),
            PortAllocator.freePort(),
            PortAllocator.freePort(),
            PortAllocator.freePort(),
            PortAllocator.freePort(),
            minWorker,
            minWorker + 99);
    Path temp = Files.createTempDirectory(Path.of("/tmp"), "krb");
    ProcessBuilder pb =
        new ProcessBuilder(LocalRayStartCommand.render(runtime, spec, ports, "unused", temp))
            .directory(temp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve("raw.log").toFile());
    pb.environment().putAll(runtime.environment());
    URI dashboard = URI.create("http://127.0.0.1:" + ports.dashboard() + "/api/gcs_healthz");
    URI raylet =
        URI.create("http://127.0.0.1:" + ports.dashboardAgentHttp() + "/api/local_raylet_healthz");
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      long[] at = {-1, -1};
      await("raw head ready")
          .atMost(Duration.ofMinutes(3))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                if (at[0] < 0 && HealthProbe.check(dashboard).equals("success")) {
                  at[0] = ms(t0);
                }
                if (at[0] >= 0 && HealthProbe.check(raylet).equals("success")) {
                  at[1] = ms(t0);
                }
                return at[1] >= 0;
              });
      return at;
    } finally {
      ProcessTree.terminateTree(p.toHandle(), Duration.ofSeconds(10));
      RayProvisioner.deleteTree(temp);
    }
  }

  /**
   * Waits until this JVM's child processes have been idle for 2 s (e.g. the harness's standby
   * interpreters, replaced half a second after a cluster is ready, have imported Ray), so that
   * neither measurement pays for the other's leftovers.
   */
  private static void awaitQuiet() {
    await("child processes idle")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500))
        .until(
            new Callable<Boolean>() {
              private long last = -1;
              private int quietPolls;

              @Override
              public Boolean call() {
                long now =
                    ProcessHandle.current()
                        .descendants()
                        .mapToLong(
                            p -> p.info().totalCpuDuration().orElse(Duration.ZERO).toMillis())
                        .sum();
                quietPolls = last >= 0 && now - last < 20 ? quietPolls + 1 : 0;
                last = now;
                return quietPolls >= 4;
              }
            });
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static long rssKb(long pid) {
    return sumKb(pid, "status", "VmRSS:");
  }

  /**
   * Proportional set size: shared pages divided among their users, so it does not overcount shared
   * libraries.
   */
  private static long pssKb(long pid) {
    return sumKb(pid, "smaps_rollup", "Pss:");
  }

  private static long sumKb(long pid, String file, String key) {
    return ProcessTree.snapshot(ProcessHandle.of(pid).orElseThrow()).stream()
        .mapToLong(
            p -> {
              try {
                return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), file)).stream()
                    .filter(l -> l.startsWith(key))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .sum();
              } catch (IOException e) {
                return 0;
              }
            })
        .sum();
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
