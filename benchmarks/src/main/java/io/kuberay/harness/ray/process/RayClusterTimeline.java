package io.kuberay.harness.ray.process;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.RayClusterSpec;
import io.kuberay.harness.RayMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the time of one real-Ray RayCluster start goes: the milestones of the chart's cluster (head
 * + 1 worker, KubeRay v1.1.0, emulated) from pod status transitions (a watch), process spawns
 * ({@code /proc} start times), ports and health endpoints answering (probed every 10 ms) and Ray's
 * own log lines, in ms since the RayCluster was created, with the CPU time the JVM and each node
 * used meanwhile. Run like {@code RayFloorBenchmark}: {@code java -cp $CP
 * io.kuberay.harness.ray.process.RayClusterTimeline [runs]}; {@code -Dtimeline.verbose=true} lists
 * every event.
 */
final class RayClusterTimeline {

  private static final Pattern LOG_TIME =
      Pattern.compile("^\\[?(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3})");
  private static final DateTimeFormatter LOG_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
  private static final Pattern GCS_PORT = Pattern.compile("--gcs_server_port=(\\d+)");
  private static final Pattern DASHBOARD_PORT =
      Pattern.compile("dashboard/dashboard\\.py .*--port=(\\d+)");
  private static final Pattern AGENT_PORT =
      Pattern.compile("dashboard/agent\\.py .*--listen-port=(\\d+)");
  private static final Pattern TEMP_DIR = Pattern.compile("--temp-dir=(\\S+)");

  private final Instant t0 = Instant.now();

  /** Milestone → ms, the first time it was seen. */
  private final Map<String, Long> milestones = new ConcurrentHashMap<>();

  private final List<String> events = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    List<Map<String, Long>> all = new ArrayList<>();
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly()) {
      for (int run = 1; run <= runs; run++) {
        awaitQuiet();
        System.out.println("== run " + run + " (load " + load() + ")");
        RayClusterTimeline timeline = new RayClusterTimeline();
        timeline.measure(env, "timeline" + run);
        all.add(timeline.milestones);
      }
    }
    System.out.println("== median of " + runs + " runs (ms since the RayCluster was created)");
    sorted(all.get(0))
        .keySet()
        .forEach(
            m ->
                System.out.printf(
                    "%7d  %s%n",
                    all.stream()
                        .filter(r -> r.containsKey(m))
                        .mapToLong(r -> r.get(m))
                        .sorted()
                        .skip(all.stream().filter(r -> r.containsKey(m)).count() / 2)
                        .findFirst()
                        .orElse(-1),
                    m));
  }

  private void measure(KubeRayEnvironment env, String release) throws Exception {
    Set<Long> before = ConcurrentHashMap.newKeySet();
    ProcessHandle.current().descendants().forEach(p -> before.add(p.pid()));
    Map<Long, String> processes = new ConcurrentHashMap<>();
    Map<Long, Duration> cpu0 = new ConcurrentHashMap<>();
    ProcessHandle.current()
        .descendants()
        .forEach(p -> cpu0.put(p.pid(), p.info().totalCpuDuration().orElse(Duration.ZERO)));
    Duration jvm0 = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    Map<String, URI> probes = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    Watch watch = env.client().pods().inNamespace("default").watch(new PodMilestones());
    Thread sampler = new Thread(() -> sample(before, processes, probes, stop), "timeline-sampler");
    sampler.setDaemon(true);
    sampler.start();

    RayClusterHandle cluster =
        env.rayClusters().create(RayClusterSpec.helmChartDefaults(release, KubeRayVersion.V1_1_0));
    cluster.awaitReady(Duration.ofMinutes(3));
    mark(Instant.now(), "client sees status ready");
    Thread.sleep(200);
    stop.set(true);
    sampler.join();
    watch.close();
    System.out.println(cpu(jvm0, cpu0));
    rayLogs(processes.values());
    milestones();
    if (Boolean.getBoolean("timeline.verbose")) {
      events.stream()
          .sorted(
              (a, b) ->
                  Long.compare(
                      Long.parseLong(a.substring(0, 7).trim()),
                      Long.parseLong(b.substring(0, 7).trim())))
          .forEach(System.out::println);
    }
    cluster.delete();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline
        && (!env.client().pods().inNamespace("default").list().getItems().isEmpty()
            || ProcessHandle.current()
                .descendants()
                .anyMatch(p -> p.info().command().orElse("").endsWith("raylet")))) {
      Thread.sleep(100);
    }
  }

  /**
   * Scans for new processes every 100 ms (their start times come from /proc) and probes every 10
   * ms.
   */
  private void sample(
      Set<Long> before, Map<Long, String> processes, Map<String, URI> probes, AtomicBoolean stop) {
    for (int tick = 0; !stop.get(); tick++) {
      if (tick % 10 == 0) {
        ProcessHandle.current()
            .descendants()
            .filter(p -> !before.contains(p.pid()) && !processes.containsKey(p.pid()))
            .forEach(
                p -> {
                  String cmd = p.info().commandLine().orElse("");
                  if (cmd.isEmpty() || cmd.contains("jspawnhelper")) {
                    return; // not exec'ed yet: next scan
                  }
                  processes.put(p.pid(), cmd);
                  spawned(p, cmd, probes);
                });
      }
      probes.forEach(
          (what, uri) -> {
            if (!milestones.containsKey(what) && answers(uri)) {
              mark(Instant.now(), what);
            }
          });
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void spawned(ProcessHandle p, String cmd, Map<String, URI> probes) {
    Instant start = p.info().startInstant().orElse(Instant.now());
    boolean head = isHeadProcess(p);
    String node = head ? "head" : "worker";
    event(start, "spawn " + p.pid() + " " + shorten(cmd));
    if (cmd.contains("gcs_server")) {
      mark(start, "head gcs_server spawned");
    } else if (cmd.contains("dashboard/dashboard.py")) {
      mark(start, "head dashboard spawned");
    } else if (cmd.endsWith("raylet") || cmd.contains("/raylet ")) {
      mark(start, node + " raylet spawned");
    } else if (cmd.contains("dashboard/agent.py")) {
      mark(start, node + " dashboard agent spawned");
    }
    Matcher m = GCS_PORT.matcher(cmd);
    if (m.find()) {
      probes.put("head GCS port open", URI.create("tcp://127.0.0.1:" + m.group(1)));
    }
    m = DASHBOARD_PORT.matcher(cmd);
    if (m.find()) {
      probes.put(
          "head /api/gcs_healthz success",
          URI.create("http://127.0.0.1:" + m.group(1) + "/api/gcs_healthz"));
    }
    m = AGENT_PORT.matcher(cmd);
    if (m.find()) {
      probes.put(
          node + " /api/local_raylet_healthz success",
          URI.create("http://127.0.0.1:" + m.group(1) + "/api/local_raylet_healthz"));
    }
  }

  /**
   * The head's processes descend from the node whose temp dir holds the session; workers' raylets
   * use a tagged socket.
   */
  private static boolean isHeadProcess(ProcessHandle p) {
    for (ProcessHandle h = p; h != null; h = h.parent().orElse(null)) {
      String cmd = h.info().commandLine().orElse("");
      if (cmd.contains("/raylet") && cmd.contains("--raylet_socket_name=")) {
        return cmd.matches("(?s).*--raylet_socket_name=\\S*/sockets/raylet(\\s.*|$)");
      }
      if (h.parent().map(ProcessHandle::pid).orElse(-1L) == ProcessHandle.current().pid()) {
        return h.descendants()
            .anyMatch(d -> d.info().commandLine().orElse("").contains("gcs_server"));
      }
    }
    return false;
  }

  /** Pod status transitions as the kubelet writes them. */
  private final class PodMilestones implements Watcher<Pod> {
    private final Map<String, String> last = new ConcurrentHashMap<>();

    @Override
    public void eventReceived(Action action, Pod pod) {
      Instant now = Instant.now();
      String node = pod.getMetadata().getLabels().getOrDefault("ray.io/node-type", "?");
      String state = describe(pod);
      if (state.equals(last.put(node, state))) {
        return;
      }
      event(now, node + " pod " + action + " " + state);
      if (action == Action.ADDED) {
        mark(now, node + " pod created");
      }
      if (pod.getSpec().getNodeName() != null) {
        mark(now, node + " pod scheduled");
      }
      if (condition(pod, "Initialized")) {
        mark(now, node + " pod Initialized (init containers done)");
      }
      if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
        mark(now, node + " pod Running (ray start released)");
      }
      if (condition(pod, "Ready")) {
        mark(now, node + " pod Ready");
      }
    }

    @Override
    public void onClose(WatcherException cause) {}
  }

  private static boolean condition(Pod pod, String type) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String describe(Pod pod) {
    if (pod.getStatus() == null) {
      return "no status";
    }
    StringBuilder s = new StringBuilder(String.valueOf(pod.getStatus().getPhase()));
    s.append(pod.getSpec().getNodeName() == null ? " unbound" : " bound");
    if (pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if (!"PodScheduled".equals(c.getType())) {
          s.append(' ').append(c.getType()).append('=').append(c.getStatus());
        }
      }
    }
    return s.toString();
  }

  /** Ray's own milestones, from the session logs in the head's temp dir. */
  private void rayLogs(Collection<String> commands) {
    Set<String> dirs = new TreeSet<>();
    commands.forEach(
        c -> {
          Matcher m = TEMP_DIR.matcher(c);
          if (m.find()) {
            dirs.add(m.group(1));
          }
        });
    for (String dir : dirs) {
      try (Stream<Path> files = Files.list(Path.of(dir, "session_latest", "logs"))) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          String name = f.getFileName().toString();
          int registered = 0;
          for (String line : Files.readAllLines(f)) {
            if (name.startsWith("gcs_server") && line.contains("Finished registering node")) {
              logMark(
                  line,
                  "GCS finished registering node "
                      + ++registered
                      + " (the worker's raylet starts first)");
            } else if (name.startsWith("raylet") && line.contains("Raylet of id")) {
              logMark(line, "raylet started (" + name + ")");
            } else if (name.equals("dashboard.log") && line.contains("http server initialized")) {
              logMark(line, "head dashboard http server up");
            } else if (name.equals("dashboard.log")
                && line.contains("Loaded 9 subprocess modules")) {
              logMark(line, "head dashboard imported, subprocess modules starting");
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        System.out.println("(no Ray logs in " + dir + ": " + e + ")");
      }
    }
  }

  private void logMark(String line, String what) {
    Matcher m = LOG_TIME.matcher(line);
    if (m.find()) {
      mark(
          LocalDateTime.parse(m.group(1), LOG_FORMAT).atZone(ZoneId.systemDefault()).toInstant(),
          "log: " + what);
    }
  }

  private String cpu(Duration jvm0, Map<Long, Duration> cpu0) {
    StringBuilder s =
        new StringBuilder("cpu since create: jvm ")
            .append(
                ProcessHandle.current()
                    .info()
                    .totalCpuDuration()
                    .orElse(Duration.ZERO)
                    .minus(jvm0)
                    .toMillis())
            .append(" ms");
    ProcessHandle.current()
        .children()
        .forEach(
            root -> {
              long ms =
                  Stream.concat(Stream.of(root), root.descendants())
                      .mapToLong(
                          p ->
                              p.info()
                                  .totalCpuDuration()
                                  .orElse(Duration.ZERO)
                                  .minus(cpu0.getOrDefault(p.pid(), Duration.ZERO))
                                  .toMillis())
                      .sum();
              long n = 1 + root.descendants().count();
              String kind =
                  root.descendants()
                          .anyMatch(d -> d.info().commandLine().orElse("").contains("gcs_server"))
                      ? "head"
                      : n > 1 ? "worker" : "standby";
              s.append(", ")
                  .append(kind)
                  .append(' ')
                  .append(ms)
                  .append(" ms (")
                  .append(n)
                  .append(" processes)");
            });
    return s.toString();
  }

  private boolean answers(URI uri) {
    if (uri.getScheme().equals("tcp")) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 200);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    return HealthProbe.check(uri).equals("success");
  }

  private void mark(Instant at, String what) {
    milestones.putIfAbsent(what, Duration.between(t0, at).toMillis());
  }

  private synchronized void event(Instant at, String what) {
    events.add(String.format("%7d  %s", Duration.between(t0, at).toMillis(), what));
  }

  private void milestones() {
    sorted(milestones).forEach((m, ms) -> System.out.printf("%7d  %s%n", ms, m));
  }

  private static Map<String, Long> sorted(Map<String, Long> m) {
    Map<String, Long> out = new LinkedHashMap<>();
    new TreeMap<>(m)
        .entrySet().stream()
            .sorted(Map.Entry.comparingByValue())
            .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static String shorten(String cmd) {
    String s =
        cmd.replaceAll("/\\S*/(python3?(\\.\\d+)?|ray)\\b", "$1")
            .replaceAll("(?s)-c import json.*", "-c <standby>")
            .replaceAll("(?s)-c import sys.*", "-c <worker shim>");
    return s.length() > 140 ? s.substring(0, 140) + "…" : s;
  }

  /**
   * Waits until this JVM's child processes have been idle for 2 s: standbys have imported Ray, the
   * last run is gone.
   */
  private static void awaitQuiet() throws InterruptedException {
    long last = -1;
    int quietPolls = 0;
    for (int i = 0; i < 120 && quietPolls < 4; i++) {
      long now =
          ProcessHandle.current()
              .descendants()
              .mapToLong(p -> p.info().totalCpuDuration().orElse(Duration.ZERO).toMillis())
              .sum();
      quietPolls = last >= 0 && now - last < 20 ? quietPolls + 1 : 0;
      last = now;
      Thread.sleep(500);
    }
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
