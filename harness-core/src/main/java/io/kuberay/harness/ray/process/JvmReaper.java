package io.kuberay.harness.ray.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends what this JVM started when the JVM dies in any way, {@code kill -9} included, in the spirit
 * of Testcontainers' Ryuk: a small shell process in a session of its own holds a pipe from the JVM;
 * the kernel closes the pipe when the JVM dies, and the reaper then kills every process carrying
 * this JVM's {@value #OWNER_ENV} (Ray nodes, their raylets, GCS, dashboards and workers, standbys,
 * nodes still starting) and removes the paths it was told about (environment directories, Ray temp
 * dirs). A JVM that ends normally has already stopped and removed all of it; the reaper then finds
 * nothing. The next run's reclaim ({@link NodeRegistry}, temp dir owners) stays the second line.
 */
public final class JvmReaper {

  /** Inherited by every process a Ray node starts; names the JVM that owns it. */
  public static final String OWNER_ENV = "KUBERAY_HARNESS_OWNER";

  private static final Logger logger = LoggerFactory.getLogger(JvmReaper.class);
  private static final String OWNER =
      ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);

  /**
   * Reads "dir PATH" lines until EOF (the JVM is gone), then three sweeps of /proc (a process being
   * killed may still fork), then removes the paths. Paths must not contain newlines; ours never do.
   */
  private static final String SCRIPT =
      """
      owner="$1"; dirs=(); containers=()
      while IFS= read -r line; do
        case "$line" in
          "dir "*) dirs+=("${line#dir }");;
          "container "*) containers+=("${line#container }");;
        esac
      done
      for c in "${containers[@]}"; do
        # the engine at DOCKER_HOST (inherited), as the JVM used it; curl when there is no docker CLI
        docker rm -f -v "$c" >/dev/null 2>&1 \
          || curl -s -X DELETE --unix-socket "${DOCKER_HOST#unix://}" "http://docker/containers/$c?force=true&v=true" \
          || curl -s -X DELETE --unix-socket /var/run/docker.sock "http://docker/containers/$c?force=true&v=true"
      done
      for round in 1 2 3; do
        for env in /proc/[0-9]*/environ; do
          # bash builtins only: no fork per process, so a sweep stays fast on a loaded machine
          while IFS= read -r -d '' var; do
            if [ "$var" = "%s=$owner" ]; then
              pid="${env#/proc/}"; kill -9 "${pid%%/environ}" 2>/dev/null; break
            fi
          done 2>/dev/null < "$env"
        done
        [ "$round" = 3 ] || sleep 0.3
      done
      for d in "${dirs[@]}"; do rm -rf -- "$d"; done
      """
          .formatted(OWNER_ENV);

  private static OutputStream pipe;
  private static boolean failed;

  private JvmReaper() {}

  /** The owner value for {@value #OWNER_ENV}; starts the reaper on first use. */
  public static String owner() {
    ensureStarted();
    return OWNER;
  }

  /** Adds {@value #OWNER_ENV} to a child process's environment; starts the reaper on first use. */
  public static void mark(Map<String, String> env) {
    env.put(OWNER_ENV, owner());
  }

  /**
   * Has the reaper remove {@code path} (a directory or file) if this JVM dies without removing it.
   */
  public static void removeOnDeath(Path path) {
    tell("dir " + path.toAbsolutePath());
  }

  /**
   * Has the reaper remove Docker container {@code id} ({@code docker rm -f -v}, else the engine's
   * API through curl) if this JVM dies before removing it: Testcontainers' own reaper, Ryuk, needs
   * an image that cannot be pulled here.
   */
  public static synchronized void removeContainerOnDeath(String id) {
    if (!id.matches("[0-9a-f]{12,64}")) {
      throw new IllegalArgumentException("Not a Docker container ID: " + id);
    }
    tell("container " + id);
    logger.debug("The reaper removes container {} if this JVM dies", id);
  }

  private static synchronized void tell(String line) {
    ensureStarted();
    if (pipe == null) {
      return;
    }
    try {
      pipe.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      pipe.flush();
    } catch (IOException e) {
      logger.debug("The reaper is gone; '{}' is left to the next run", line, e);
    }
  }

  private static synchronized void ensureStarted() {
    if (pipe != null || failed) {
      return;
    }
    try {
      List<String> command =
          Files.isExecutable(Path.of("/usr/bin/setsid"))
                  || Files.isExecutable(Path.of("/bin/setsid"))
              ? List.of("setsid", "bash", "-c", SCRIPT, "kuberay-harness-reaper", OWNER)
              : List.of("bash", "-c", SCRIPT, "kuberay-harness-reaper", OWNER);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      // A session of its own: a terminal's Ctrl-C or a build tool's group kill must not take it
      // with the JVM.
      builder.environment().remove(OWNER_ENV);
      Process reaper = builder.start();
      pipe = reaper.getOutputStream();
      logger.debug(
          "Reaper pid {} ends this JVM's Ray processes and files if it dies", reaper.pid());
    } catch (IOException e) {
      failed = true;
      logger.warn(
          "Cannot start the reaper (bash): if this JVM is killed, its Ray processes stay until the next run"
              + " reclaims them",
          e);
    }
  }
}
