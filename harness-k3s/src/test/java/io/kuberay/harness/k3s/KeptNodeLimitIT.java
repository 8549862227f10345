package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Volume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * {@link KeptNodeLimit} against the Docker engine: containers labelled as kept ones (created from
 * the pause image, never started), each with an anonymous volume as the node image gives them.
 */
class KeptNodeLimitIT {

  private static final String IMAGE = "kuberay-harness/pause:3.9";

  @TempDir Path lockDir;

  private final List<String> created = new ArrayList<>();
  private DockerClient docker;

  @AfterEach
  void removeLeftovers() {
    for (String id : created) {
      try {
        docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException e) {
        // removed by the test
      }
    }
  }

  @Test
  @DisplayName(
      "a new configuration removes stopped kept containers and the least recently used running ones beyond the"
          + " limit, with their volumes; one a run holds, another user's and the newest stay")
  void trimsTheLeastRecentlyUsed() throws Exception {
    K3sTestConditions.requireDocker("kept-container limit test");
    OfflineTestcontainers.configure();
    docker = DockerClientFactory.instance().client();
    K3sTestConditions.require(
        imagePresent(), () -> "kept-container limit test skipped: no " + IMAGE);

    String oldest = kept(hash(), 90);
    String held = kept(hash(), 80);
    String older = kept(hash(), 70);
    String newest = kept(hash(), 60);
    String foreign = kept(hash(), -1); // no lock file in this user's cache
    String starting = hash();
    String stopped = kept(starting, 5); // used recently, but stopped: a reuse never finds it
    docker.startContainerCmd(stopped).exec();
    docker.killContainerCmd(stopped).exec();
    docker.waitContainerCmd(stopped).start().awaitStatusCode(30, TimeUnit.SECONDS);
    String oldestVolume = volume(oldest);

    String heldConfiguration = configuration(held);
    try (ReuseLock run = ReuseLock.at(lockDir.resolve(heldConfiguration + ".lock"))) {
      run.share(Duration.ofSeconds(5));
      // Taking the lock made its time now; back to 80 minutes ago, so that only the hold saves it.
      Files.setLastModifiedTime(lockDir.resolve(heldConfiguration + ".lock"), minutesAgo(80));

      List<String> removed = new KeptNodeLimit(docker, lockDir).trim(starting, 2);

      assertThat(removed).containsExactlyInAnyOrder(stopped, oldest, older);
    }
    assertThat(exists(stopped)).isFalse();
    assertThat(exists(oldest)).isFalse();
    assertThat(exists(older)).isFalse();
    assertThat(exists(held)).as("held by a run").isTrue();
    assertThat(exists(newest)).as("the most recently used").isTrue();
    assertThat(exists(foreign)).as("not this user's").isTrue();
    assertThat(volumeExists(oldestVolume)).as("the removed container's volume").isFalse();
  }

  /** A kept container last used {@code usedMinutesAgo} (negative: no lock file here). */
  private String kept(String configuration, int usedMinutesAgo) throws Exception {
    String id =
        docker
            .createContainerCmd(IMAGE)
            .withLabels(Map.of(ReuseKey.CONFIG_LABEL, configuration, ReuseKey.REUSE_LABEL, "true"))
            .withVolumes(new Volume("/var/lib/rancher/k3s"))
            .exec()
            .getId();
    created.add(id);
    if (usedMinutesAgo >= 0) {
      Path lock = lockDir.resolve(configuration + ".lock");
      Files.createFile(lock);
      Files.setLastModifiedTime(lock, minutesAgo(usedMinutesAgo));
    }
    return id;
  }

  private String configuration(String id) {
    return docker.inspectContainerCmd(id).exec().getConfig().getLabels().get(ReuseKey.CONFIG_LABEL);
  }

  private String volume(String id) {
    return docker.inspectContainerCmd(id).exec().getMounts().get(0).getName();
  }

  private boolean exists(String id) {
    return found(() -> docker.inspectContainerCmd(id).exec());
  }

  private boolean volumeExists(String name) {
    return found(() -> docker.inspectVolumeCmd(name).exec());
  }

  private boolean imagePresent() {
    return found(() -> docker.inspectImageCmd(IMAGE).exec());
  }

  /** Whether the engine knows what {@code inspect} asks for. */
  private static boolean found(Runnable inspect) {
    try {
      inspect.run();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static FileTime minutesAgo(int minutes) {
    return FileTime.from(Instant.now().minus(Duration.ofMinutes(minutes)));
  }

  private static String hash() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }
}
