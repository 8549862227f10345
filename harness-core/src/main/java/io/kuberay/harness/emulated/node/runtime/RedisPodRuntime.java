package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodProcesses;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.PodContainers;
import io.kuberay.harness.ray.process.ContainerProcess;
import io.kuberay.harness.ray.process.PortAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pod whose image is a Redis image ({@code redis:<tag>}, {@code <registry>/redis:<tag>}) as
 * a real local {@code redis-server}: the container's command and args as given (config files from
 * its mounted volumes included), with the port, bind address, data dir and pid file of the emulated
 * node appended (Redis lets the command line override its config file). The pod's Redis port is a
 * free loopback port that stays the pod's across container restarts, as a pod IP does; services
 * reach it through {@link ServiceAddresses}. Without {@code redis-server} on this machine the pod
 * waits with ErrImagePull and a message naming the fix, never a Redis that is not there.
 */
final class RedisPodRuntime implements PodRuntime {

  private static final Logger logger = LoggerFactory.getLogger(RedisPodRuntime.class);

  /** {@code redis}, {@code redis:7.4.0}, {@code docker.io/library/redis:7}, a digest. */
  private static final Pattern REDIS_IMAGE =
      Pattern.compile("^(?:[^\\s]*/)?redis(?::[^/@\\s]+)?(?:@[^/\\s]+)?$");

  private static final Duration READY_WAIT = Duration.ofSeconds(30);
  private static final Duration RESTART_BACKOFF = Duration.ofSeconds(1);
  private static final int DEFAULT_PORT = 6379;

  private final PodFilesystems files;
  private final PodExecs execs = new PodExecs();
  private final Path logDir;
  private final Optional<Path> redisServer;
  private final Map<String, RedisContainer> pods = new ConcurrentHashMap<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final ExecutorService kubelet =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "kuberay-emulated-redis");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean closed;

  /** One pod's Redis: its loopback port and data dir, and the process running now. */
  private static final class RedisContainer {
    final int port;
    final Path dir;
    volatile ContainerProcess process;

    RedisContainer(int port, Path dir) {
      this.port = port;
      this.dir = dir;
    }
  }

  RedisPodRuntime(PodFilesystems files, Path logDir, Optional<Path> redisServer) {
    this.files = files;
    this.logDir = logDir;
    this.redisServer = redisServer;
  }

  /** {@code redis-server} as found on the JVM's PATH (Debian's package: /usr/bin/redis-server). */
  static Optional<Path> findRedisServer() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /** Whether the pod's first container runs a Redis image. */
  static boolean isRedis(Pod pod) {
    List<Container> containers = pod.getSpec() == null ? null : pod.getSpec().getContainers();
    return containers != null
        && !containers.isEmpty()
        && containers.get(0).getImage() != null
        && REDIS_IMAGE.matcher(containers.get(0).getImage().trim()).matches();
  }

  @Override
  public void start(Pod pod, PodLifecycle lifecycle) {
    cancelled.remove(ObjectKeys.of(pod));
    kubelet.submit(
        () -> {
          try {
            run(pod, lifecycle);
          } catch (RuntimeException e) {
            logger.warn("Redis pod {} failed to run", ObjectKeys.of(pod), e);
            lifecycle.exited(1, "Error");
          }
        });
  }

  private void run(Pod pod, PodLifecycle lifecycle) {
    String key = ObjectKeys.of(pod);
    Container container = pod.getSpec().getContainers().get(0);
    if (redisServer.isEmpty()) {
      lifecycle.imageUnavailable(
          "ErrImagePull",
          "image "
              + container.getImage()
              + ": the emulated node runs Redis images as a local redis-server, and there is no"
              + " redis-server on this machine's PATH. Install it (Debian/Ubuntu: apt-get install"
              + " redis-server) or use the k3s backend");
      return;
    }
    Optional<Map<String, String>> prepared =
        ContainerPreparation.prepare(
            files, pod, lifecycle, () -> closed || cancelled.contains(key));
    if (prepared.isEmpty()) {
      return;
    }
    RedisContainer redis =
        pods.computeIfAbsent(key, k -> new RedisContainer(PortAllocator.freePort(), dataDir(pod)));
    Optional<PodProcesses> mounted =
        MountBackOff.podNamespace(files, pod, lifecycle, () -> closed || cancelled.contains(key));
    if (mounted.isEmpty()) {
      return;
    }
    PodProcesses processes = mounted.get();
    Path shim = writeShim(redis, redisServer.get());
    Map<String, String> env = new HashMap<>(prepared.get());
    env.put("PATH", shim.getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    List<String> command = new ArrayList<>();
    if (container.getCommand() != null && !container.getCommand().isEmpty()) {
      command.addAll(container.getCommand());
    } else {
      command.add("redis-server"); // the redis image's entrypoint and CMD
    }
    if (container.getArgs() != null) {
      command.addAll(container.getArgs());
    }
    List<String> wrapped = new ArrayList<>(List.of("/usr/bin/env"));
    wrapped.addAll(command);
    Path log = ContainerLogs.file(logDir, pod);
    lifecycle.initContainersDone();
    int restarts = 0;
    while (!closed && !cancelled.contains(key)) {
      ContainerProcess process =
          ContainerProcess.start(processes.wrapped(wrapped), env, processes.workingDir(), log);
      redis.process = process;
      if (cancelled.contains(key)) {
        process.stop();
        return;
      }
      if (restarts == 0) {
        lifecycle.containersStarted();
      } else {
        lifecycle.restarted(restarts);
      }
      if (awaitListening(redis.port, process)) {
        lifecycle.readiness(true);
      }
      int exit = process.onExit().join();
      if (closed || cancelled.contains(key)) {
        return;
      }
      lifecycle.exited(exit, exit == 0 ? "Completed" : "Error");
      String policy = pod.getSpec().getRestartPolicy();
      if ("Never".equals(policy) || ("OnFailure".equals(policy) && exit == 0)) {
        return;
      }
      restarts++;
      sleep(RESTART_BACKOFF);
    }
  }

  /**
   * A {@code redis-server} first on the container's PATH that runs this machine's with the pod's
   * port, loopback bind, data dir and pid file after the container's own arguments.
   */
  private static Path writeShim(RedisContainer redis, Path redisServer) {
    Path shim = redis.dir.resolve("bin").resolve("redis-server");
    Path conf = redis.dir.resolve("redis.conf");
    // A config file's own dir, pidfile, port and bind lines go: Redis applies `dir` while it reads
    // the file (the image's /data does not exist here); the node's values come last on the line.
    String script =
        "#!/bin/sh\n"
            + "# The emulated node's Redis: the container's arguments, then this node's address.\n"
            + "if [ $# -gt 0 ] && [ \"${1#-}\" = \"$1\" ] && [ -f \"$1\" ]; then\n"
            + "  grep -v -i -E '^[[:space:]]*(dir|pidfile|port|bind|daemonize|logfile)([[:space:]]|$)'"
            + " \"$1\" > '"
            + conf
            + "'\n"
            + "  shift\n"
            + "  set -- '"
            + conf
            + "' \"$@\"\n"
            + "fi\n"
            + "exec '"
            + redisServer
            + "' \"$@\" --port "
            + redis.port
            + " --bind 127.0.0.1 --daemonize no --dir '"
            + redis.dir.resolve("data")
            + "' --pidfile '"
            + redis.dir.resolve("redis.pid")
            + "'\n";
    // redis-cli in the pod (kubectl exec redis -- redis-cli ...) talks to this pod's Redis, as it
    // would on the container's 127.0.0.1:6379; a later -h/-p of the caller still wins.
    Path cli = redisServer.resolveSibling("redis-cli");
    String cliScript =
        "#!/bin/sh\n"
            + "# The emulated node's Redis pod listens on its own loopback port.\n"
            + "exec '"
            + (Files.isExecutable(cli) ? cli.toString() : "redis-cli")
            + "' -h 127.0.0.1 -p "
            + redis.port
            + " \"$@\"\n";
    try {
      Files.createDirectories(shim.getParent());
      Files.createDirectories(redis.dir.resolve("data"));
      Files.writeString(shim, script);
      Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path cliShim = shim.resolveSibling("redis-cli");
      Files.writeString(cliShim, cliScript);
      Files.setPosixFilePermissions(cliShim, PosixFilePermissions.fromString("rwxr-xr-x"));
      return shim;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the redis-server shim " + shim, e);
    }
  }

  private Path dataDir(Pod pod) {
    return logDir
        .resolveSibling("redis")
        .resolve(pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName());
  }

  /**
   * Readiness as a TCP probe on the Redis port would see it; bounded, false if it never listens.
   */
  private static boolean awaitListening(int port, ContainerProcess process) {
    long deadline = System.nanoTime() + READY_WAIT.toNanos();
    while (System.nanoTime() < deadline && !process.onExit().isDone()) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException e) {
        sleep(Duration.ofMillis(100));
      }
    }
    return false;
  }

  private static void sleep(Duration d) {
    try {
      TimeUnit.MILLISECONDS.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void stop(String namespace, String name) {
    String key = ObjectKeys.of(namespace, name);
    execs.stop(namespace, name);
    cancelled.add(key);
    RedisContainer redis = pods.remove(key);
    if (redis != null && redis.process != null) {
      redis.process.stop();
    }
    files.remove(namespace, name);
  }

  @Override
  public Optional<URI> address(Pod pod, int containerPort) {
    RedisContainer redis = pods.get(ObjectKeys.of(pod));
    if (redis == null || !redisPorts(pod).contains(containerPort)) {
      return Optional.empty();
    }
    return Optional.of(URI.create("redis://127.0.0.1:" + redis.port));
  }

  /** The ports the container declares, and Redis's default. */
  private static Set<Integer> redisPorts(Pod pod) {
    Set<Integer> ports = new HashSet<>();
    ports.add(DEFAULT_PORT);
    Container c = pod.getSpec().getContainers().get(0);
    if (c.getPorts() != null) {
      c.getPorts().forEach(p -> ports.add(p.getContainerPort()));
    }
    return ports;
  }

  @Override
  public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
    return command(pod, container, command).run(timeout);
  }

  @Override
  public ExecProcess start(Pod pod, String container, List<String> command, boolean tty) {
    return execs.start(pod, command(pod, container, command), tty);
  }

  private ContainerCommand command(Pod pod, String container, List<String> command) {
    Map<String, String> env = new HashMap<>(PodProcesses.execEnvironment(files, pod, container));
    env.putIfAbsent("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    RedisContainer redis = pods.get(ObjectKeys.of(pod));
    if (redis != null) {
      // The pod's redis-server and redis-cli first, as the container's PATH has them.
      env.put("PATH", redis.dir.resolve("bin") + ":" + env.get("PATH"));
    }
    List<String> viaEnv = new ArrayList<>(List.of("/usr/bin/env"));
    viaEnv.addAll(command);
    return new ContainerCommand(PodProcesses.forExec(files, pod, container).wrapped(viaEnv), env);
  }

  @Override
  public String logs(Pod pod, String container) {
    if (!PodContainers.isFirst(pod, container)) {
      throw PodRuntimes.notRun(pod, container);
    }
    Path log = ContainerLogs.file(logDir, pod);
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public int killAll() {
    List<Long> roots = new ArrayList<>();
    for (RedisContainer redis : pods.values()) {
      ContainerProcess p = redis.process;
      if (p != null) {
        roots.add(p.pid());
      }
    }
    roots.addAll(execs.pids());
    return PowerLoss.kill(roots);
  }

  @Override
  public void close() {
    closed = true;
    List.copyOf(pods.keySet()).forEach(k -> stop(ObjectKeys.namespace(k), ObjectKeys.name(k)));
    execs.close();
    kubelet.shutdownNow();
  }
}
