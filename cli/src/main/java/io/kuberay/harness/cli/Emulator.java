package io.kuberay.harness.cli;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayEnvironments;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.RayClusterSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@code up} serves: an emulated cluster with KubeRay installed, the tutorial RayCluster
 * ({@code helm install raycluster kuberay/ray-cluster} with the chart's defaults) ready, and a
 * kubeconfig (mode 600) for kubectl; with {@code --no-cluster} an empty cluster, into which the
 * quick-start's own commands install KubeRay. Closing it stops every process and deletes the
 * kubeconfig it wrote.
 */
final class Emulator implements AutoCloseable {

  static final String RELEASE = "raycluster";

  /** The emulated backend's API port setting (see docs/CONFIGURATION.md). */
  private static final String API_PORT = "kuberay.api.port";

  private final KubeRayEnvironment env;
  private final RayClusterHandle cluster;
  private final Path kubeconfig;
  private final String written;

  private Emulator(KubeRayEnvironment env, RayClusterHandle cluster, Path kubeconfig) {
    this.env = env;
    this.cluster = cluster;
    this.kubeconfig = kubeconfig;
    this.written = readQuietly(kubeconfig);
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  /** Starts everything, printing a progress line per phase to {@code progress}. */
  static Emulator start(UpOptions options, PrintStream progress) {
    long t0 = System.nanoTime();
    // Loads the registry now: its static initializer adds a shutdown hook, which fails when the
    // class is
    // first touched by KubeRayEnvironment.close() during shutdown (Ctrl-C).
    KubeRayEnvironments.closeAll();
    progress.println(
        options.noCluster()
            ? "Starting an empty emulated cluster (no KubeRay operator, no RayCluster)..."
            : "Starting the emulated cluster and the KubeRay "
                + options.kuberay()
                + " operator...");
    KubeRayEnvironment env = start(options);
    try {
      if (options.noCluster()) {
        Path kubeconfig = writeKubeconfig(env.kubeconfig(), options.kubeconfig());
        FrontWarmup.warm(kubeconfig);
        progress.println("Ready in " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + "s.");
        return new Emulator(env, null, kubeconfig);
      }
      RayClusterSpec spec = RayClusterSpec.helmChartDefaults(RELEASE, options.kuberay());
      progress.println(
          "Creating RayCluster "
              + spec.name()
              + " (the ray-cluster chart's defaults, release '"
              + RELEASE
              + "') and waiting up to "
              + options.readyTimeout().toSeconds()
              + "s for it to be ready...");
      RayClusterHandle cluster = env.rayClusters().create(spec).awaitReady(options.readyTimeout());
      Path kubeconfig = writeKubeconfig(env.kubeconfig(), options.kubeconfig());
      FrontWarmup.warm(kubeconfig);
      progress.println("Ready in " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + "s.");
      return new Emulator(env, cluster, kubeconfig);
    } catch (RuntimeException e) {
      env.close();
      throw e;
    }
  }

  private static KubeRayEnvironment start(UpOptions options) {
    String previous = System.getProperty(API_PORT);
    System.setProperty(API_PORT, String.valueOf(options.port()));
    try {
      return KubeRayEnvironment.builder()
          .backend(BackendType.EMULATED)
          .kuberayVersion(options.kuberay())
          .installMethod(options.noCluster() ? InstallMethod.NONE : InstallMethod.KUSTOMIZE)
          .rayMode(options.ray())
          .startExactly();
    } finally {
      if (previous == null) {
        System.clearProperty(API_PORT);
      } else {
        System.setProperty(API_PORT, previous);
      }
    }
  }

  private static Path writeKubeconfig(Path source, Path target) {
    try {
      Path abs = target.toAbsolutePath();
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
      Path tmp = Files.createTempFile(abs.getParent(), ".kuberay-harness-", ".kubeconfig");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not POSIX: the directory's defaults apply
      }
      Files.write(tmp, Files.readAllBytes(source));
      return Files.move(
          tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the kubeconfig " + target, e);
    }
  }

  KubeRayEnvironment environment() {
    return env;
  }

  /** The tutorial RayCluster; empty with {@code --no-cluster}. */
  Optional<RayClusterHandle> cluster() {
    return Optional.ofNullable(cluster);
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public void close() {
    try {
      env.close();
    } finally {
      try {
        // Only our own: another emulator may have written the same path since.
        if (Files.exists(kubeconfig) && Files.readString(kubeconfig).equals(written)) {
          Files.delete(kubeconfig);
        }
      } catch (IOException ignored) {
        // best effort: it points at a port nothing listens on any more
      }
    }
  }
}
