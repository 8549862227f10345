package io.kuberay.harness.emulated;

import io.kuberay.harness.ExecResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs a command as a local process with a pod's environment: how exec works on the emulated node. */
interface LocalCommands {

  ExecResult run(List<String> command, Map<String, String> env, Duration timeout);
}
