package io.kuberay.harness.emulated.node.sandbox;

import io.kuberay.harness.ExecResult;
import io.kuberay.harness.ray.process.LocalExec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One container's file system view: a private mount namespace holding its volumes at their mount
 * paths, kept alive by a small holder process (the pod sandbox's "pause"), which every process of
 * the container joins. The mounts are made by {@code pod-mounts.sh}, which never creates a mount
 * point on the host (see there).
 *
 * <p>The holder reads its standard input until the JVM closes it, so a killed JVM leaves no holder
 * behind.
 */
final class PodSandbox implements AutoCloseable {

  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);
  private static final String SCRIPT = "pod-mounts.sh";

  /**
   * A volume's directory (or file) and where the container sees it; no source: a directory that
   * must exist.
   */
  record Mount(Path source, String mountPath, boolean readOnly) {
    Mount {
      if (!mountPath.startsWith("/")) {
        throw new IllegalArgumentException("mountPath must be absolute, was '" + mountPath + "'");
      }
    }

    static Mount directory(String path) {
      return new Mount(null, path, false);
    }
  }

  private final MountNamespaces namespaces;
  private final Process holder;

  private PodSandbox(MountNamespaces namespaces, Process holder) {
    this.namespaces = namespaces;
    this.holder = holder;
  }

  /**
   * A new namespace with {@code mounts}; {@code stateDir} holds the mirrors of mount points'
   * parents.
   */
  static PodSandbox create(MountNamespaces namespaces, Path stateDir, List<Mount> mounts) {
    List<String> command = new ArrayList<>(namespaces.newNamespace());
    command.addAll(List.of("sh", "-c", "echo ready; read _ || true"));
    return start(namespaces, command, stateDir, mounts);
  }

  /**
   * The namespace a process already lives in (a Ray standby started by {@link
   * MountNamespaces#newNamespace()}), given {@code mounts} and a holder of its own.
   */
  static PodSandbox adopt(MountNamespaces namespaces, long pid, Path stateDir, List<Mount> mounts) {
    List<String> command = new ArrayList<>(namespaces.enter(pid, "/"));
    command.addAll(List.of("sh", "-c", "echo ready; read _ || true"));
    return start(namespaces, command, stateDir, mounts);
  }

  private static PodSandbox start(
      MountNamespaces namespaces, List<String> command, Path stateDir, List<Mount> mounts) {
    if (!namespaces.available()) {
      throw new IllegalStateException(
          "No private mount namespaces here: " + namespaces.unavailableReason().orElse("?"));
    }
    Process holder;
    try {
      holder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String first =
          new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (!"ready".equals(first)) {
        holder.destroyForcibly();
        throw new IllegalStateException(
            "The pod's namespace holder did not start (" + String.join(" ", command) + ")");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot start " + command.get(0) + " for a pod's mount namespace: " + e.getMessage(), e);
    }
    PodSandbox sandbox = new PodSandbox(namespaces, holder);
    try {
      sandbox.mount(stateDir, mounts);
      return sandbox;
    } catch (RuntimeException e) {
      sandbox.close();
      throw e;
    }
  }

  private void mount(Path stateDir, List<Mount> mounts) {
    try {
      Files.createDirectories(stateDir);
      Path script = stateDir.resolve(SCRIPT);
      try (InputStream in =
          Objects.requireNonNull(PodSandbox.class.getResourceAsStream(SCRIPT), SCRIPT)) {
        Files.write(script, in.readAllBytes());
      }
      StringBuilder plan = new StringBuilder();
      for (Mount m : mounts) {
        if (m.source() == null) {
          plan.append("dir\t-\t").append(m.mountPath()).append('\n');
        } else {
          plan.append(m.readOnly() ? "ro" : "rw")
              .append('\t')
              .append(m.source().toAbsolutePath())
              .append('\t')
              .append(m.mountPath())
              .append('\n');
        }
      }
      Path planFile = stateDir.resolve("plan");
      Files.writeString(planFile, plan);
      // A last check that the holder is in a namespace of its own: mounting in the host's would
      // change the host.
      Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"));
      if (own.equals(Files.readSymbolicLink(Path.of("/proc/" + holder.pid() + "/ns/mnt")))) {
        throw new IllegalStateException(
            "The pod's holder process shares the JVM's mount namespace; nothing was mounted");
      }
      List<String> command = new ArrayList<>(namespaces.enter(holder.pid(), "/"));
      command.addAll(
          List.of(
              "sh",
              script.toString(),
              stateDir.resolve("mirrors").toString(),
              planFile.toString()));
      ExecResult r = LocalExec.of(command).withTimeout(SETUP_TIMEOUT).run();
      if (r.exitCode() != 0) {
        throw new IllegalStateException(
            "Mounting the pod's volumes failed (exit " + r.exitCode() + "): " + r.stderr().strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot prepare the pod's mounts in " + stateDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code command}, run inside this namespace in {@code workingDir} (a path as the container sees
   * it).
   */
  List<String> wrap(List<String> command, String workingDir) {
    List<String> wrapped = new ArrayList<>(namespaces.enter(holder.pid(), workingDir));
    wrapped.addAll(command);
    return wrapped;
  }

  boolean isAlive() {
    return holder.isAlive();
  }

  /** Ends the holder; the namespace and its mounts go with the last process in it. */
  @Override
  public void close() {
    try {
      holder.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    holder.destroy();
    try {
      holder.onExit().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      holder.destroyForcibly();
    }
  }
}
