package io.kuberay.harness.ray;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Ends a process and everything it started: SIGTERM to the whole tree, then SIGKILL to what is left after a grace period.
 *
 * <p>The tree is snapshotted before any signal is sent, because children of a dead parent are re-parented to init and
 * would no longer show up as descendants.
 */
final class ProcessTree {

  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

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

  private static List<ProcessHandle> awaitExit(Set<ProcessHandle> processes, Duration timeout) {
    List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
    processes.forEach(p -> exits.add(p.onExit()));
    try {
      CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // fall through: report who is still alive
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return processes.stream().filter(ProcessHandle::isAlive).collect(Collectors.toList());
  }
}
