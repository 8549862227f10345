package io.kuberay.harness.k3s;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One start at a time per kept configuration ({@code kuberay.k3s.reuse=true}): from looking for a
 * kept container until KubeRay is installed in it. Without it, two test JVMs started together
 * (parallel forks, parallel modules) each found no container and each booted one, or one reused a
 * container whose node, images or operator the other was still setting up. Keyed by KubeRay version
 * and install method, which the lookup knows before the images are resolved. The operating system
 * drops a killed JVM's lock.
 */
final class StartLock implements AutoCloseable {

  /** Lock files this JVM holds: a second thread waits like another process would. */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private FileChannel channel;
  private FileLock lock;

  private StartLock(Path file) {
    this.file = file;
  }

  /** Waits (bounded) until no other run starts the same configuration, then holds the lock. */
  static StartLock acquire(EnvironmentSettings settings, Path dir, Duration timeout) {
    Path file =
        dir.resolve("start-" + settings.kuberayVersion() + "-" + settings.installMethod() + ".lock")
            .toAbsolutePath()
            .normalize();
    StartLock start = new StartLock(file);
    Waits.until(
        "the k3s start lock " + file,
        "held by this run",
        timeout,
        start::tryHold,
        held -> held,
        held ->
            "another run is starting or setting up the kept k3s environment of "
                + settings.kuberayVersion()
                + " ("
                + settings.installMethod()
                + ")",
        null);
    return start;
  }

  private boolean tryHold() {
    if (!HELD.add(file)) {
      return false;
    }
    try {
      Files.createDirectories(file.getParent());
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      lock = channel.tryLock();
      if (lock != null) {
        return true;
      }
    } catch (IOException e) {
      releaseQuietly();
      throw new UncheckedIOException("Cannot lock " + file, e);
    } catch (OverlappingFileLockException e) {
      // Held through another channel of this JVM: wait as for another process.
    }
    releaseQuietly();
    return false;
  }

  /** Lets the next run start; idempotent. */
  @Override
  public synchronized void close() {
    if (channel != null) {
      releaseQuietly();
    }
  }

  private void releaseQuietly() {
    try {
      if (channel != null) {
        channel.close(); // releases the lock
      }
    } catch (IOException e) {
      // closing a lock file: the lock goes with the channel or the process
    } finally {
      channel = null;
      lock = null;
      HELD.remove(file);
    }
  }
}
