package io.kuberay.harness.k3s;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the number of kept k3s containers ({@code kuberay.k3s.reuse=true}) bounded: each idles at a
 * few hundred MB of memory and a share of a core, and holds its imported images on disk, so
 * configurations that a run no longer uses must not pile up. Before a container for a new
 * configuration starts, the least recently used ones beyond the limit go, with their volumes. Only
 * containers this user's runs kept are candidates (their {@link ReuseLock} file is in this user's
 * cache), and only when no run holds them: the lock's file time is their last use.
 */
final class KeptNodeLimit {

  private static final Logger logger = LoggerFactory.getLogger(KeptNodeLimit.class);

  /** Bounds of {@code kuberay.k3s.reuse.keep}. */
  static final int MIN = 1;

  static final int MAX = 32;

  /**
   * A kept container of this user's.
   *
   * @param id container ID
   * @param configuration its {@link ReuseKey#hash()}
   * @param lastUsed when a run last took its lock
   * @param stopped exited or dead (a Docker restart, a reboot): never reused, as a reuse looks for
   *     running containers only
   */
  record Kept(String id, String configuration, FileTime lastUsed, boolean stopped) {}

  private final DockerClient docker;
  private final Path lockDir;

  KeptNodeLimit(DockerClient docker, Path lockDir) {
    this.docker = docker;
    this.lockDir = lockDir;
  }

  /**
   * The containers to remove: every stopped one, then, so that with the one about to start for
   * {@code starting} at most {@code max} run, the least recently used beyond the {@code max - 1}
   * newest other running ones.
   */
  static List<Kept> beyondLimit(List<Kept> kept, String starting, int max) {
    return Stream.concat(
            kept.stream().filter(Kept::stopped),
            kept.stream()
                .filter(k -> !k.stopped() && !k.configuration().equals(starting))
                .sorted(Comparator.comparing(Kept::lastUsed).reversed())
                .skip(Math.max(0, max - 1)))
        .toList();
  }

  /** {@code kuberay.k3s.reuse.keep} as this run's settings give it. */
  static int configured() {
    return parse(SettingsReader.get(Setting.K3S_REUSE_KEEP));
  }

  /**
   * {@code kuberay.k3s.reuse.keep} as set, else the default.
   *
   * @throws IllegalArgumentException naming the setting when it is not a whole number in bounds
   */
  static int parse(Optional<String> value) {
    return SettingsReader.wholeNumber(
        Setting.K3S_REUSE_KEEP,
        value,
        MIN,
        MAX,
        MIN + " to " + MAX + " (how many k3s containers stay kept at once)");
  }

  /**
   * Removes this user's stopped kept containers and the running ones beyond {@code max} (counting
   * the one about to start for {@code starting}) that no run holds; returns the IDs removed.
   */
  List<String> trim(String starting, int max) {
    List<String> removed = new ArrayList<>();
    for (Kept kept : beyondLimit(kept(), starting, max)) {
      try (ReuseLock lock = ReuseLock.at(lockFile(kept.configuration()))) {
        if (!lock.tryAlone()) {
          logger.info(
              "Kept k3s container {} (configuration {}) is beyond kuberay.k3s.reuse.keep={} but a run uses it: left running",
              K3sBackend.shortId(kept.id()),
              kept.configuration(),
              max);
          continue;
        }
        try {
          docker.removeContainerCmd(kept.id()).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
          // removed meanwhile
        }
        removed.add(kept.id());
        logger.info(
            "Removed the kept k3s container {} (configuration {}, last used {}) with its volumes: {}",
            K3sBackend.shortId(kept.id()),
            kept.configuration(),
            kept.lastUsed(),
            kept.stopped()
                ? "it had stopped, and only running ones are reused"
                : "more than kuberay.k3s.reuse.keep=" + max + " kept");
      }
    }
    return removed;
  }

  /** This user's kept containers: the ones whose configuration has a lock file here. */
  private List<Kept> kept() {
    List<Kept> kept = new ArrayList<>();
    for (Container c :
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(ReuseKey.REUSE_LABEL, "true"))
            .exec()) {
      String configuration =
          c.getLabels() == null ? null : c.getLabels().get(ReuseKey.CONFIG_LABEL);
      if (configuration == null || !configuration.matches("[0-9a-f]{16}")) {
        continue;
      }
      Path lock = lockFile(configuration);
      try {
        kept.add(
            new Kept(
                c.getId(),
                configuration,
                Files.getLastModifiedTime(lock),
                "exited".equals(c.getState()) || "dead".equals(c.getState())));
      } catch (IOException e) {
        // no lock file: another user's container, or one this cache never knew; not ours to remove
      }
    }
    return kept;
  }

  private Path lockFile(String configuration) {
    return lockDir.resolve(configuration + ".lock");
  }
}
