package io.kuberay.harness.ray.process;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs a node's processes somewhere other than directly on the host, e.g. inside a pod's mount
 * namespace: turns a command and the working directory it should have into the command to start.
 */
@FunctionalInterface
public interface ProcessWrapper {

  /**
   * @param workingDir the directory the command should run in, as the wrapped process sees it
   */
  List<String> wrap(List<String> command, Path workingDir);
}
