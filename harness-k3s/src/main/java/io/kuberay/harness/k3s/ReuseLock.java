package io.kuberay.harness.k3s;

import io.kuberay.harness.Waits;
import io.kuberay.harness.ray.process.HarnessDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Who uses a kept k3s container: every run holds a shared lock on the configuration's lock file
 * while it uses the container, and only a run that can hold it alone sweeps the earlier runs'
 * namespaces, so two runs at once never delete each other's. The operating system drops a killed
 * JVM's lock, so a dead run never blocks a sweep. Backends of one JVM share one hold (file locks
 * are per process) and count as other runs for each other.
 */
final class ReuseLock implements AutoCloseable {

  private static final Map<Path, Hold> HOLDS = new HashMap<>();

  /** This JVM's hold on one lock file, and how many backends use it. */
  private static final class Hold {
    final FileChannel channel;
    FileLock lock;
    int users;

    Hold(FileChannel channel) {
      this.channel = channel;
    }
  }

  private final Path file;
  private final Hold hold;
  private boolean closed;

  private ReuseLock(Path file, Hold hold) {
    this.file = file;
    this.hold = hold;
  }

  /** The lock of one kept configuration, in the harness's cache directory. */
  static ReuseLock of(String configuration) {
    return at(dir().resolve(configuration + ".lock"));
  }

  /** Where this user's lock files are: one per configuration a run kept. */
  static Path dir() {
    return HarnessDirs.cacheDir().resolve("k3s-reuse");
  }

  static ReuseLock at(Path file) {
    Path key = file.toAbsolutePath().normalize();
    synchronized (HOLDS) {
      Hold hold = HOLDS.get(key);
      if (hold == null) {
        try {
          Files.createDirectories(key.getParent());
          hold =
              new Hold(
                  FileChannel.open(
                      key,
                      StandardOpenOption.CREATE,
                      StandardOpenOption.READ,
                      StandardOpenOption.WRITE));
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot open the k3s reuse lock " + key, e);
        }
        HOLDS.put(key, hold);
      }
      hold.users++;
      return new ReuseLock(key, hold);
    }
  }

  /**
   * Holds the lock alone if no other run (in this JVM or another) uses the container now; otherwise
   * keeps the shared hold and returns false.
   */
  boolean tryAlone() {
    synchronized (HOLDS) {
      if (hold.users > 1) {
        return false;
      }
      release();
      hold.lock = tryLock(false);
      if (hold.lock != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Holds the lock shared for as long as this run uses the container; waits (bounded) while another
   * run sweeps. The file's time becomes now: the container's last use ({@link KeptNodeLimit}).
   */
  void share(Duration timeout) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot touch the k3s reuse lock " + file, e);
    }
    synchronized (HOLDS) {
      if (hold.lock != null && hold.lock.isShared()) {
        return;
      }
      release();
    }
    Waits.until(
        "the kept k3s environment's lock " + file,
        "held shared by this run",
        timeout,
        () -> {
          synchronized (HOLDS) {
            if (hold.lock == null) {
              hold.lock = tryLock(true);
            }
            return hold.lock != null;
          }
        },
        held -> held,
        held -> "another run holds it alone (it is removing earlier runs' namespaces)",
        null);
  }

  private FileLock tryLock(boolean shared) {
    try {
      return hold.channel.tryLock(0, Long.MAX_VALUE, shared);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + file, e);
    }
  }

  private void release() {
    if (hold.lock != null) {
      try {
        hold.lock.release();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot release " + file, e);
      }
      hold.lock = null;
    }
  }

  @Override
  public void close() {
    synchronized (HOLDS) {
      if (closed) {
        return;
      }
      closed = true;
      if (--hold.users > 0) {
        return;
      }
      HOLDS.remove(file);
      try {
        release();
        hold.channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot close " + file, e);
      }
    }
  }
}
