package io.kuberay.harness.emulated.node.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The links that show a Ray node's temp dir at a container's {@code /tmp/ray}: one per entry of the
 * temp dir ({@code session_<time>}, {@code session_latest}, {@code ray_current_cluster}, ...). A
 * link to a link of the temp dir leads to where that one leads: every Ray node of the cluster
 * shares the head's temp dir here and remakes its {@code session_latest} when it starts, so a link
 * through it would vanish for a moment each time (the autoscaler failed to create its log dir in
 * such a moment). An entry that is not a link (Ray's or the user's own file) is left alone; links
 * into an earlier temp dir (a restarted head) are replaced or removed.
 */
final class RayDirLinks {

  private RayDirLinks() {}

  static void link(Path dir, Path tempDir) {
    try {
      Path temp = tempDir.toAbsolutePath();
      List<Path> entries = new ArrayList<>();
      if (Files.isDirectory(temp)) {
        try (DirectoryStream<Path> list = Files.newDirectoryStream(temp)) {
          list.forEach(entries::add);
        }
      }
      for (Path entry : entries) {
        Path wanted = Files.isSymbolicLink(entry) ? target(entry) : entry;
        if (wanted == null) {
          continue; // Ray is remaking it: the next call links it
        }
        Path link = dir.resolve(entry.getFileName().toString());
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
      try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
        for (Path e : list) {
          if (Files.isSymbolicLink(e)
              && !Files.readSymbolicLink(e).startsWith(temp)
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

  /** Where a link of the temp dir leads, absolute; null when it is gone or leads nowhere now. */
  private static Path target(Path link) {
    try {
      Path target = link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
      return Files.exists(target) ? target : null;
    } catch (IOException e) {
      return null;
    }
  }
}
