package io.kuberay.harness.ray.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Ends a process and everything it started: SIGTERM to the whole tree, then SIGKILL to what is left
 * after a grace period.
 *
 * <p>The tree is snapshotted before any signal is sent, because children of a dead parent are
 * re-parented to init and would no longer show up as descendants.
 */
final class ProcessTree {

  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private ProcessTree() {}

  /** The process and all its live descendants, parent first. */
  static Set<ProcessHandle> snapshot(ProcessHandle root) {
    Set<ProcessHandle> all = new LinkedHashSet<>();
    all.add(root);
    root.descendants().forEach(all::add);
    return all;
  }

  /**
   * Terminates the given processes gracefully, waits up to {@code grace}, then kills what remains.
   *
   * @return the processes still alive afterwards (normally none)
   */
  static List<ProcessHandle> terminate(Set<ProcessHandle> processes, Duration grace) {
    Set<ProcessHandle> targets = new LinkedHashSet<>(processes);
    // Late children (a worker forked while we were collecting) are picked up too.
    for (ProcessHandle p : processes) {
      p.descendants().forEach(targets::add);
    }
    targets.forEach(ProcessHandle::destroy);
    List<ProcessHandle> left = awaitExit(targets, grace);
    if (!left.isEmpty()) {
      Set<ProcessHandle> again = new LinkedHashSet<>(left);
      left.forEach(p -> p.descendants().forEach(again::add));
      again.forEach(ProcessHandle::destroyForcibly);
      left = awaitExit(again, KILL_WAIT);
    }
    return left;
  }

  /** Snapshot then terminate. */
  static List<ProcessHandle> terminateTree(ProcessHandle root, Duration grace) {
    return terminate(snapshot(root), grace);
  }

  static String describe(List<ProcessHandle> processes) {
    return processes.stream()
        .map(p -> p.pid() + " " + p.info().command().orElse("?"))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * Alive and not a zombie: a killed process whose parent died is re-parented to pid 1, and where
   * pid 1 does not reap (some container inits) it stays a zombie forever — dead for every purpose
   * but {@code isAlive}.
   */
  static boolean running(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      int end = stat.lastIndexOf(')');
      return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return p.isAlive();
    }
  }

  /**
   * Waits, bounded, until none of the processes runs (polling: a zombie's onExit never completes).
   */
  private static List<ProcessHandle> awaitExit(Set<ProcessHandle> processes, Duration timeout) {
    try {
      Awaitility.await("processes " + processes + " to exit")
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> processes.stream().noneMatch(ProcessTree::running));
    } catch (ConditionTimeoutException e) {
      // reported to the caller as the processes still running
    }
    return processes.stream().filter(ProcessTree::running).collect(Collectors.toList());
  }
}
