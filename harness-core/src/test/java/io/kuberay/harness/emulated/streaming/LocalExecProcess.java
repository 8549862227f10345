package io.kuberay.harness.emulated.streaming;

import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.ray.process.LocalExec;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** A test's exec: the command run on this machine, as the node's runtimes run it. */
final class LocalExecProcess implements ExecProcess {

  private final LocalExec.Started process;

  private LocalExecProcess(LocalExec.Started process) {
    this.process = process;
  }

  static LocalExecProcess start(List<String> command, boolean mergeStderr) {
    return new LocalExecProcess(LocalExec.of(command).start(mergeStderr));
  }

  @Override
  public OutputStream stdin() {
    return process.stdin();
  }

  @Override
  public InputStream stdout() {
    return process.stdout();
  }

  @Override
  public InputStream stderr() {
    return process.stderr();
  }

  @Override
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.terminate();
    }
  }
}
