package io.kuberay.harness.ray.process;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leak safety across JVMs: one small file per started node under {@code <cache dir>/ray-nodes/},
 * naming the node's process (pid and start time), the JVM that owns it (pid and start time), the
 * environment marker all its processes carry, and the head's temp dir. A later launcher kills the
 * nodes of owners that are gone and removes their temp dirs.
 */
final class NodeRegistry {

  /**
   * Every process of a node inherits this variable with the node's id; a sweep finds re-parented
   * leftovers by it.
   */
  static final String MARKER_ENV = "KUBERAY_HARNESS_RAY_NODE";

  private static final Logger logger = LoggerFactory.getLogger(NodeRegistry.class);
  private static final Duration RECLAIM_GRACE = Duration.ofSeconds(5);

  private final Path stateDir;

  NodeRegistry(Path stateDir) {
    this.stateDir = stateDir;
  }

  static NodeRegistry inCacheDir() {
    return new NodeRegistry(HarnessDirs.cacheDir().resolve("ray-nodes"));
  }

  Path stateDir() {
    return stateDir;
  }

  void record(String nodeId, ProcessHandle process, String name, Path tempDirToRemove) {
    ProcessHandle self = ProcessHandle.current();
    Properties p = new Properties();
    p.setProperty("nodeId", nodeId);
    p.setProperty("name", name);
    p.setProperty("pid", Long.toString(process.pid()));
    p.setProperty("start", startMillis(process));
    p.setProperty("ownerPid", Long.toString(self.pid()));
    p.setProperty("ownerStart", startMillis(self));
    if (tempDirToRemove != null) {
      p.setProperty("tempDir", tempDirToRemove.toString());
    }
    try {
      Files.createDirectories(stateDir);
      Path tmp = stateDir.resolve(nodeId + ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "Ray node started by the KubeRay harness");
      }
      Files.move(tmp, file(nodeId), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot record Ray node " + name + " in " + stateDir, e);
    }
  }

  void forget(String nodeId) {
    try {
      Files.deleteIfExists(file(nodeId));
    } catch (IOException e) {
      logger.warn("Cannot delete {}: {}", file(nodeId), e.toString());
    }
  }

  /**
   * Kills nodes whose owning JVM is no longer alive and removes their temp dirs; returns their
   * names.
   */
  List<String> reclaimOrphans() {
    List<String> reclaimed = new ArrayList<>();
    if (!Files.isDirectory(stateDir)) {
      return reclaimed;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(stateDir, "*.properties")) {
      for (Path f : files) {
        Properties p = load(f);
        if (p == null || ownerAlive(p)) {
          continue;
        }
        String nodeId = p.getProperty("nodeId");
        alive(p.getProperty("pid"), p.getProperty("start"))
            .ifPresent(h -> ProcessTree.terminateTree(h, RECLAIM_GRACE));
        ProcessTree.terminate(Set.copyOf(markedProcesses(nodeId)), RECLAIM_GRACE);
        Optional.ofNullable(p.getProperty("tempDir"))
            .map(Path::of)
            .ifPresent(RayProvisioner::deleteTree);
        Files.deleteIfExists(f);
        reclaimed.add(p.getProperty("name") + " (pid " + p.getProperty("pid") + ")");
      }
    } catch (IOException e) {
      logger.warn("Cannot scan {} for leaked Ray nodes: {}", stateDir, e.toString());
    }
    if (!reclaimed.isEmpty()) {
      logger.warn("Stopped Ray nodes left behind by JVMs that are gone: {}", reclaimed);
    }
    return reclaimed;
  }

  /**
   * Removes Ray temp dirs ({@code krh-*}) under {@code tempRoot} that no node of this registry
   * names, that were created more than {@code minAge} ago and that no live process names on its
   * command line (Ray's processes all carry {@code --temp-dir}): what a JVM killed between creating
   * one and recording its node left. The age keeps a node that another JVM is just starting safe,
   * the command lines the nodes of JVMs with another cache dir. Returns how many were removed.
   */
  int removeUnreferenced(Path tempRoot, Duration minAge) {
    Set<Path> referenced = new HashSet<>();
    if (Files.isDirectory(stateDir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(stateDir, "*.properties")) {
        for (Path f : files) {
          Optional.ofNullable(load(f))
              .map(p -> p.getProperty("tempDir"))
              .map(Path::of)
              .ifPresent(referenced::add);
        }
      } catch (IOException e) {
        logger.warn("Cannot scan {}: {}", stateDir, e.toString());
        return 0;
      }
    }
    Instant cutoff = Instant.now().minus(minAge);
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tempRoot, "krh-*")) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry)
            && !referenced.contains(entry)
            && Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)
            && !namedByALiveProcess(entry)) {
          RayProvisioner.deleteTree(entry);
          removed++;
        }
      }
    } catch (IOException e) {
      logger.debug("Cannot scan {} for Ray temp dirs: {}", tempRoot, e.toString());
    }
    if (removed > 0) {
      logger.info(
          "Removed {} Ray temp file(s) under {} that no running node uses", removed, tempRoot);
    }
    return removed;
  }

  /**
   * Whether a live process has {@code path} in its command line (Linux {@code /proc}; elsewhere:
   * assume so).
   */
  static boolean namedByALiveProcess(Path path) {
    byte[] needle = path.toString().getBytes(StandardCharsets.UTF_8);
    return processesWhose("cmdline", cmdline -> contains(cmdline, needle))
        .map(pids -> !pids.isEmpty())
        .orElse(true);
  }

  /**
   * Live processes whose environment carries {@code KUBERAY_HARNESS_RAY_NODE=<nodeId>} (Linux
   * {@code /proc}).
   */
  static List<ProcessHandle> markedProcesses(String nodeId) {
    byte[] needle = ("\0" + MARKER_ENV + "=" + nodeId + "\0").getBytes(StandardCharsets.UTF_8);
    return processesWhose(
            "environ",
            env -> {
              byte[] padded = new byte[env.length + 1];
              System.arraycopy(env, 0, padded, 1, env.length);
              return contains(padded, needle) || endsWith(padded, needle);
            })
        .orElse(List.of())
        .stream()
        .map(ProcessHandle::of)
        .flatMap(Optional::stream)
        .toList();
  }

  /**
   * Pids other than this JVM's whose {@code /proc/<pid>/<file>} matches; empty when {@code /proc}
   * cannot be read.
   */
  private static Optional<List<Long>> processesWhose(String file, Predicate<byte[]> matches) {
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return Optional.empty();
    }
    long self = ProcessHandle.current().pid();
    try (Stream<Path> entries = Files.list(proc)) {
      return Optional.of(
          entries
              .filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
              .filter(d -> Long.parseLong(d.getFileName().toString()) != self)
              .filter(
                  d -> {
                    try {
                      return matches.test(Files.readAllBytes(d.resolve(file)));
                    } catch (IOException | SecurityException e) {
                      return false; // gone or not ours
                    }
                  })
              .map(d -> Long.parseLong(d.getFileName().toString()))
              .toList());
    } catch (IOException e) {
      logger.warn("Cannot list /proc: {}", e.toString());
      return Optional.empty();
    }
  }

  private static boolean endsWith(byte[] hay, byte[] needle) {
    // environ may lack the final NUL
    byte[] withoutLast = Arrays.copyOf(needle, needle.length - 1);
    if (hay.length < withoutLast.length) {
      return false;
    }
    return Arrays.equals(
        hay, hay.length - withoutLast.length, hay.length, withoutLast, 0, withoutLast.length);
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private Path file(String nodeId) {
    return stateDir.resolve(nodeId + ".properties");
  }

  private static Properties load(Path f) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
      return p.getProperty("nodeId") == null ? null : p;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean ownerAlive(Properties p) {
    return alive(p.getProperty("ownerPid"), p.getProperty("ownerStart")).isPresent();
  }

  private static Optional<ProcessHandle> alive(String pid, String start) {
    try {
      return ProcessHandle.of(Long.parseLong(pid))
          .filter(ProcessTree::running)
          .filter(h -> start == null || start.isEmpty() || startMillis(h).equals(start));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static String startMillis(ProcessHandle h) {
    return h.info().startInstant().map(Instant::toEpochMilli).map(String::valueOf).orElse("");
  }
}
