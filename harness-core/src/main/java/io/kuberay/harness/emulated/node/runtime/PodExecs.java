package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.ray.process.JvmReaper;
import io.kuberay.harness.ray.process.LocalExec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The streamed execs ({@code kubectl exec}, {@code kubectl cp}) running in one runtime's pods. No
 * timeout ends them, as on a real node: each runs until it exits, or dies with its pod (stopped
 * with it, as a container's processes die with the container) or with the runtime. A terminal is a
 * real pseudo-terminal from util-linux {@code script} when the machine has it, sized by {@code
 * stty}; else standard error is folded into standard output through one pipe.
 */
final class PodExecs implements AutoCloseable {

  private static final Optional<Path> SCRIPT = onPath("script");
  private static final Duration STTY_TIMEOUT = Duration.ofSeconds(2);

  private final Map<String, Set<Running>> byPod = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Starts {@code command} in {@code pod}; its streams attached, a terminal if {@code tty}. */
  ExecProcess start(Pod pod, ContainerCommand command, boolean tty) {
    if (closed) {
      throw new IllegalStateException("the emulated node is shutting down");
    }
    String key = ObjectKeys.of(pod);
    // No timeout bounds it: if this JVM is killed, the reaper ends it.
    Map<String, String> env = new HashMap<>(command.env());
    JvmReaper.mark(env);
    List<String> words =
        tty && SCRIPT.isPresent() ? inTerminal(SCRIPT.get(), command.command()) : command.command();
    LocalExec local = LocalExec.of(words).withEnv(env);
    Running running = new Running(local.start(tty), key, tty && SCRIPT.isPresent());
    byPod.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(running);
    return running;
  }

  /** Whether a terminal is a real pseudo-terminal here. */
  static boolean realTerminals() {
    return SCRIPT.isPresent();
  }

  /** The pod is gone: its execs die with it. */
  void stop(String namespace, String name) {
    Set<Running> running = byPod.remove(ObjectKeys.of(namespace, name));
    if (running != null) {
      running.forEach(Running::close);
    }
  }

  /** The processes of every running exec, for a power loss. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    byPod.values().forEach(set -> set.forEach(r -> pids.add(r.process.pid())));
    return pids;
  }

  @Override
  public void close() {
    closed = true;
    for (String key : List.copyOf(byPod.keySet())) {
      Set<Running> running = byPod.remove(key);
      if (running != null) {
        running.forEach(Running::close);
      }
    }
  }

  /**
   * {@code script -qefc CMD /dev/null}: CMD on a new pseudo-terminal whose output is script's
   * standard output; script passes its standard input to the terminal, ends the terminal's input at
   * end of file, and exits with CMD's code.
   */
  static List<String> inTerminal(Path script, List<String> command) {
    List<String> quoted = new ArrayList<>();
    for (String word : command) {
      quoted.add("'" + word.replace("'", "'\\''") + "'");
    }
    return List.of(script.toString(), "-qefc", String.join(" ", quoted), "/dev/null");
  }

  private static Optional<Path> onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return Optional.of(Path.of(d, tool));
      }
    }
    return Optional.empty();
  }

  private final class Running implements ExecProcess {
    private final LocalExec.Started process;
    private final String pod;
    private final boolean terminal;

    Running(LocalExec.Started process, String pod, boolean terminal) {
      this.process = process;
      this.pod = pod;
      this.terminal = terminal;
    }

    /**
     * {@code stty -F} on the terminal's device, which script's child has as its stdin: the kernel
     * then tells the command (SIGWINCH), as a real terminal's resize does.
     */
    @Override
    public void resize(int columns, int rows) {
      if (!terminal || columns <= 0 || rows <= 0) {
        return;
      }
      Optional<Path> device = terminalDevice();
      if (device.isPresent()) {
        LocalExec.of(
                List.of(
                    "stty",
                    "-F",
                    device.get().toString(),
                    "rows",
                    Integer.toString(rows),
                    "cols",
                    Integer.toString(columns)))
            .withTimeout(STTY_TIMEOUT)
            .run();
      }
    }

    /** The terminal's device; script starts its child at once, it is waited for briefly. */
    private Optional<Path> terminalDevice() {
      AtomicReference<Optional<Path>> device = new AtomicReference<>(Optional.empty());
      try {
        Awaitility.await("the terminal device of an exec's command")
            .atMost(STTY_TIMEOUT)
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(20))
            .until(
                () -> {
                  device.set(currentTerminalDevice());
                  return device.get().isPresent() || !process.isAlive();
                });
      } catch (ConditionTimeoutException e) {
        // no terminal yet: the resize is skipped, as for a command that has none
      }
      return device.get();
    }

    /** The pts device script's child has as its stdin, if it has started. */
    private Optional<Path> currentTerminalDevice() {
      Optional<ProcessHandle> child =
          ProcessHandle.of(process.pid()).flatMap(p -> p.children().findFirst());
      if (child.isEmpty()) {
        return Optional.empty();
      }
      try {
        Path device = Files.readSymbolicLink(Path.of("/proc", child.get().pid() + "", "fd/0"));
        return device.toString().startsWith("/dev/pts/") ? Optional.of(device) : Optional.empty();
      } catch (IOException | UnsupportedOperationException e) {
        return Optional.empty(); // gone meanwhile, or not Linux
      }
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
      int code = process.waitFor();
      forget();
      return code;
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.terminate();
      }
      forget();
    }

    private void forget() {
      Set<Running> running = byPod.get(pod);
      if (running != null) {
        running.remove(this);
      }
    }
  }
}
