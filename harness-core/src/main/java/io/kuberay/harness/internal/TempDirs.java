package io.kuberay.harness.internal;

import io.kuberay.harness.ray.process.JvmReaper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harness's temporary directories, one per environment. While a directory lives its JVM holds
 * an exclusive lock on its {@code .owner} file (which also names the pid, for people); the OS drops
 * the lock when the JVM dies, however it dies. A directory is removed when its environment closes,
 * at the latest when the JVM exits normally, and otherwise by the next JVM's first environment: it
 * removes the directories whose lock nobody holds. Cleanup errors never hide the real failure.
 * POSIX drops a process's lock on a file when the process closes any descriptor of that file, so
 * nothing in this JVM may open its own {@code .owner} files.
 */
public final class TempDirs {

  static final String PREFIX = "kuberay-harness-";
  static final String OWNER_FILE = ".owner";

  /** Directories without an owner file (older harness versions) are removed once this old. */
  private static final Duration UNOWNED_MIN_AGE = Duration.ofDays(1);

  /** An unlocked, empty owner file younger than this is still being created, not abandoned. */
  private static final Duration IN_CREATION = Duration.ofMinutes(1);

  private static final Logger logger = LoggerFactory.getLogger(TempDirs.class);

  /**
   * This JVM's directories and the open channels that hold their locks (closing a channel releases
   * the lock).
   */
  private static final Map<Path, FileChannel> LIVE = new ConcurrentHashMap<>();

  private static final AtomicBoolean FIRST = new AtomicBoolean(true);

  private TempDirs() {}

  /** A new directory under {@code java.io.tmpdir}, owned by this JVM. */
  public static Path create() {
    return create(Path.of(System.getProperty("java.io.tmpdir")));
  }

  public static Path create(Path parent) {
    if (FIRST.compareAndSet(true, false)) {
      reclaimAbandoned(parent);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> List.copyOf(LIVE.keySet()).forEach(TempDirs::delete),
                  "kuberay-harness-tempdirs"));
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory(parent, PREFIX);
      JvmReaper.removeOnDeath(dir); // within seconds if this JVM is killed
      FileChannel owner =
          FileChannel.open(
              dir.resolve(OWNER_FILE), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      LIVE.put(dir, owner);
      owner.lock();
      owner.write(ByteBuffer.wrap(ownerLine().getBytes(StandardCharsets.UTF_8)));
      return dir;
    } catch (IOException e) {
      delete(dir);
      throw new UncheckedIOException(
          "Cannot create a temporary directory in "
              + parent
              + " (is it writable? java.io.tmpdir sets it)",
          e);
    }
  }

  /** Deletes a directory (releasing its lock if this JVM owns it), best effort. */
  public static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    FileChannel owner = LIVE.remove(dir);
    if (owner != null) {
      try {
        owner.close();
      } catch (IOException e) {
        // the lock goes with the process at the latest
      }
    }
    deleteQuietly(dir);
  }

  /** Removes the directories under {@code parent} whose owner is gone; returns how many. */
  static int reclaimAbandoned(Path parent) {
    int removed = 0;
    Instant unownedCutoff = Instant.now().minus(UNOWNED_MIN_AGE);
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path dir : dirs) {
        if (!LIVE.containsKey(dir) && Files.isDirectory(dir) && abandoned(dir, unownedCutoff)) {
          deleteQuietly(dir);
          removed++;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      logger.debug("Cannot scan {} for temporary directories of JVMs that are gone", parent, e);
    }
    if (removed > 0) {
      logger.info(
          "Removed {} temporary director{} left in {} by JVMs that are gone",
          removed,
          removed == 1 ? "y" : "ies",
          parent);
    }
    return removed;
  }

  /** Nobody holds the owner file's lock, or there is no owner file and the directory is old. */
  private static boolean abandoned(Path dir, Instant unownedCutoff) throws IOException {
    Path owner = dir.resolve(OWNER_FILE);
    if (!Files.isRegularFile(owner)) {
      return Files.getLastModifiedTime(dir).toInstant().isBefore(unownedCutoff);
    }
    // Never called for this JVM's own directories: closing a second channel on a file would drop
    // our own lock.
    try (FileChannel channel = FileChannel.open(owner, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return false;
      }
      lock.release();
      // An empty owner file is one its JVM has created and not yet locked (test forks start at
      // once).
      return Files.size(owner) > 0
          || Files.getLastModifiedTime(owner)
              .toInstant()
              .isBefore(Instant.now().minus(IN_CREATION));
    } catch (OverlappingFileLockException e) {
      return false;
    }
  }

  /** For people looking at the directory: which process holds it. */
  private static String ownerLine() {
    ProcessHandle self = ProcessHandle.current();
    return "pid "
        + self.pid()
        + ", started "
        + self.info().startInstant().map(Instant::toString).orElse("?")
        + "\n";
  }

  public static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: the OS temp cleaner gets the rest
    }
  }
}
