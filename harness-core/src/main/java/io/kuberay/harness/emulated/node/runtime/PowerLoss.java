package io.kuberay.harness.emulated.node.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a node reboot does to its containers' processes: all of them die at once, without a signal
 * they could handle. Every tree is collected before the first kill, so that no parent sees a child
 * die and reacts while the rest still runs.
 */
final class PowerLoss {

  private PowerLoss() {}

  /** SIGKILL to each root and all its descendants; returns how many processes got it. */
  static int kill(Collection<Long> rootPids) {
    List<ProcessHandle> all = new ArrayList<>();
    for (long pid : rootPids) {
      ProcessHandle.of(pid)
          .ifPresent(
              root -> {
                all.add(root);
                root.descendants().forEach(all::add);
              });
    }
    int killed = 0;
    for (ProcessHandle p : all) {
      if (p.destroyForcibly()) {
        killed++;
      }
    }
    return killed;
  }
}
