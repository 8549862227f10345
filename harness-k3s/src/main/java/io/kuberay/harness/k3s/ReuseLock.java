package io.kuberay.harness.k3s;

import io.kuberay.harness.Waits;
import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Who uses a kept k3s container: every JVM holds a shared lock on the configuration's lock file
 * while it uses the container, and only a JVM that can hold it alone sweeps the earlier runs'
 * namespaces, so two runs at once never delete each other's. The operating system drops a killed
 * JVM's lock, so a dead run never blocks a sweep.
 */
final class ReuseLock implements AutoCloseable {

  private final Path file;
  private final FileChannel channel;
  private FileLock held;

  private ReuseLock(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** The lock of one kept configuration, in the harness's cache directory. */
  static ReuseLock of(String configuration) {
    Path dir =
        SettingsReader.get(Setting.CACHE_DIR)
            .map(Path::of)
            .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "kuberay-harness"))
            .resolve("k3s-reuse");
    return at(dir.resolve(configuration + ".lock"));
  }

  static ReuseLock at(Path file) {
    try {
      Files.createDirectories(file.getParent());
      return new ReuseLock(
          file,
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the k3s reuse lock " + file, e);
    }
  }

  /**
   * Holds the lock alone if no other run uses the container now; otherwise keeps (or takes back)
   * the shared hold and returns false.
   */
  synchronized boolean tryAlone() {
    release();
    FileLock alone = tryLock(false);
    if (alone != null) {
      held = alone;
      return true;
    }
    return false;
  }

  /**
   * Holds the lock shared for as long as this run uses the container; waits (bounded) while another
   * run sweeps.
   */
  synchronized void share(Duration timeout) {
    if (held != null && held.isShared()) {
      return;
    }
    release();
    held =
        Waits.until(
            "the kept k3s environment's lock " + file,
            "held shared by this run",
            timeout,
            () -> tryLock(true),
            lock -> lock != null,
            lock -> "another run holds it alone (it is removing earlier runs' namespaces)",
            null);
  }

  private FileLock tryLock(boolean shared) {
    try {
      return channel.tryLock(0, Long.MAX_VALUE, shared);
    } catch (OverlappingFileLockException e) {
      return null; // another backend of this JVM holds it: that run uses the container
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + file, e);
    }
  }

  private void release() {
    if (held != null) {
      try {
        held.release();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot release " + file, e);
      }
      held = null;
    }
  }

  @Override
  public synchronized void close() {
    try {
      release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + file, e);
    }
  }
}
