package io.kuberay.harness.emulated.node.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Writes a configMap, secret, downwardAPI or projected volume the way the kubelet's atomic writer
 * does: the files live in a timestamped {@code ..2026_12_02_05_16_27.123} directory, {@code ..data}
 * links to it, and each top-level name links into {@code ..data}. An update swaps {@code ..data} in
 * one rename, so a process that has the directory mounted sees the old or the new content, never a
 * mix, exactly as in a pod.
 */
final class AtomicVolumeWriter {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss");
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final String DATA = "..data";

  /** One file of the volume: its content and permission bits. */
  record Entry(byte[] content, int mode) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && e.mode == mode && Arrays.equals(e.content, content);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(content) + mode;
    }
  }

  private AtomicVolumeWriter() {}

  /**
   * Makes {@code dir} hold exactly {@code payload} (relative path → entry); returns whether
   * anything changed.
   */
  static synchronized boolean write(Path dir, Map<String, Entry> payload) {
    try {
      Files.createDirectories(dir);
      Path data = dir.resolve(DATA);
      if (Files.isSymbolicLink(data)
          && payload.equals(read(dir.resolve(Files.readSymbolicLink(data)), payload))) {
        return false;
      }
      Path stamp =
          dir.resolve(".." + LocalDateTime.now().format(STAMP) + "." + SEQUENCE.incrementAndGet());
      Files.createDirectory(stamp);
      for (Map.Entry<String, Entry> e : payload.entrySet()) {
        Path file = stamp.resolve(e.getKey());
        Files.createDirectories(file.getParent());
        Files.write(file, e.getValue().content());
        Files.setPosixFilePermissions(file, permissions(e.getValue().mode()));
      }
      Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
      Path next = dir.resolve("..data_tmp");
      Files.deleteIfExists(next);
      Files.createSymbolicLink(next, stamp.getFileName());
      Files.move(next, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Set<String> top = new LinkedHashSet<>();
      payload.keySet().forEach(k -> top.add(k.split("/", 2)[0]));
      for (String name : top) {
        Path link = dir.resolve(name);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of(DATA, name));
        }
      }
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path p : entries.toList()) {
          String name = p.getFileName().toString();
          if (!name.startsWith("..") && !top.contains(name)) {
            Files.deleteIfExists(p);
          }
        }
      }
      if (old != null && !old.equals(stamp)) {
        deleteTree(old);
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write volume files in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean same(Path a, Entry e) throws IOException {
    return Files.isRegularFile(a)
        && Arrays.equals(Files.readAllBytes(a), e.content())
        && Files.getPosixFilePermissions(a).equals(permissions(e.mode()));
  }

  /**
   * The current content, when it has exactly the payload's paths; otherwise something that differs.
   */
  private static Map<String, Entry> read(Path stamp, Map<String, Entry> payload)
      throws IOException {
    for (Map.Entry<String, Entry> e : payload.entrySet()) {
      if (!same(stamp.resolve(e.getKey()), e.getValue())) {
        return Map.of();
      }
    }
    try (Stream<Path> files = Files.walk(stamp)) {
      long count = files.filter(Files::isRegularFile).count();
      return count == payload.size() ? payload : Map.of();
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < 9; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    return set;
  }
}
