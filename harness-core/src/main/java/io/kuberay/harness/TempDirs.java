package io.kuberay.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harness's temporary directories. Each names its owner JVM in an {@code .owner} file, is removed when its
 * environment closes or, at the latest, when the JVM exits normally; the first one a JVM creates also removes
 * those of JVMs that were killed. Cleanup errors never hide the real failure.
 */
final class TempDirs {

  static final String PREFIX = "kuberay-harness-";
  private static final String OWNER_FILE = ".owner";
  private static final Logger logger = LoggerFactory.getLogger(TempDirs.class);
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean FIRST = new AtomicBoolean(true);

  private TempDirs() {}

  /** A new directory under {@code java.io.tmpdir}, owned by this JVM. */
  static Path create() {
    return create(Path.of(System.getProperty("java.io.tmpdir")));
  }

  static Path create(Path parent) {
    if (FIRST.compareAndSet(true, false)) {
      reclaimAbandoned(parent);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(TempDirs::delete), "kuberay-harness-tempdirs"));
    }
    try {
      Path dir = Files.createTempDirectory(parent, PREFIX);
      Files.writeString(dir.resolve(OWNER_FILE), ownerLine(ProcessHandle.current()), StandardCharsets.UTF_8);
      LIVE.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory in " + parent + " (is it writable? java.io.tmpdir sets it)", e);
    }
  }

  /** Deletes a directory this class created (or any tree), best effort. */
  static void delete(Path dir) {
    if (dir != null) {
      LIVE.remove(dir);
    }
    deleteQuietly(dir);
  }

  /** Removes the directories under {@code parent} whose owner JVM is gone; returns how many. */
  static int reclaimAbandoned(Path parent) {
    int removed = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path dir : dirs) {
        Path owner = dir.resolve(OWNER_FILE);
        if (Files.isRegularFile(owner) && !ownerAlive(Files.readString(owner, StandardCharsets.UTF_8))) {
          deleteQuietly(dir);
          removed++;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      logger.debug("Cannot scan {} for temporary directories of JVMs that are gone", parent, e);
    }
    if (removed > 0) {
      logger.info("Removed {} temporary director{} left in {} by JVMs that are gone", removed, removed == 1 ? "y" : "ies", parent);
    }
    return removed;
  }

  /** {@code pid start-instant}: the start time tells a reused pid from the owner. */
  static String ownerLine(ProcessHandle process) {
    return process.pid() + " " + process.info().startInstant().map(Instant::toString).orElse("-");
  }

  static boolean ownerAlive(String line) {
    String[] parts = line.trim().split(" ");
    try {
      Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(parts[0]));
      return process.isPresent() && process.get().isAlive()
          && (parts.length < 2 || "-".equals(parts[1]) || ownerLine(process.get()).equals(line.trim()));
    } catch (NumberFormatException e) {
      return true; // not ours to judge: leave it
    }
  }

  static void deleteQuietly(Path dir) {
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
