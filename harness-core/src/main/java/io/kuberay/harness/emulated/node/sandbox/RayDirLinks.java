package io.kuberay.harness.emulated.node.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The links that show a Ray node's temp dir at a container's {@code /tmp/ray}: one per entry of the
 * temp dir ({@code session_<time>}, {@code session_latest}, ...), and {@code session_latest} and
 * {@code ray_current_cluster} from the start, before Ray has made them (the autoscaler reads its
 * log dir there once the head answers). An entry that is not a link (Ray's or the user's own file)
 * is left alone; links into an earlier temp dir (a restarted head) are replaced or removed.
 */
final class RayDirLinks {

  private static final Set<String> FIRST = Set.of("session_latest", "ray_current_cluster");

  private RayDirLinks() {}

  static void link(Path dir, Path tempDir) {
    try {
      Set<String> names = new LinkedHashSet<>(FIRST);
      if (Files.isDirectory(tempDir)) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tempDir)) {
          entries.forEach(e -> names.add(e.getFileName().toString()));
        }
      }
      Path target = tempDir.toAbsolutePath();
      for (String name : names) {
        Path link = dir.resolve(name);
        Path wanted = target.resolve(name);
        if (Files.isSymbolicLink(link)) {
          if (Files.readSymbolicLink(link).equals(wanted)) {
            continue;
          }
          Files.delete(link);
        } else if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Files.createSymbolicLink(link, wanted);
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path e : entries) {
          if (Files.isSymbolicLink(e)
              && !Files.readSymbolicLink(e).startsWith(target)
              && !Files.exists(e)) {
            Files.delete(e);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot link Ray's temp dir " + tempDir + " into " + dir + ": " + e.getMessage(), e);
    }
  }
}
