package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.EnvironmentSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * A real child JVM starts a k3s node container and gets {@code kill -9} while the node boots: its
 * reaper removes the container within seconds, though Ryuk is off.
 */
class KilledJvmRemovesContainerIT {

  private static final String TEST_LABEL = "io.kuberay.harness.test.killed-jvm";

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private Process child;

  @AfterEach
  void cleanUp() {
    if (child != null) {
      child.destroyForcibly();
    }
    containers()
        .forEach(
            id ->
                DockerClientFactory.instance()
                    .client()
                    .removeContainerCmd(id)
                    .withForce(true)
                    .exec());
  }

  @Test
  @DisplayName("kill -9 of the JVM that started a (non-reused) k3s container removes the container")
  void killedJvmRemovesItsContainer() throws Exception {
    K3sTestConditions.requireDocker("killed-JVM container test");
    OfflineTestcontainers.configure();
    String node =
        K3sImages.resolve(
                EnvironmentSettings.defaults(),
                name -> {
                  try {
                    DockerClientFactory.instance().client().inspectImageCmd(name).exec();
                    return true;
                  } catch (RuntimeException e) {
                    return false;
                  }
                })
            .node();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.log.io.kuberay.harness.ray.process.JvmReaper=debug",
                StartNodeAndWait.class.getName(),
                node,
                TEST_LABEL + "=" + run)
            .redirectErrorStream(true)
            .start();
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () ->
                new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                    .lines()
                    .forEach(output::add),
            "child-output");
    reader.setDaemon(true);
    reader.start();

    // Testcontainers hands the started container over (the reaper is told), then waits for the
    // node to boot: the kill comes in between.
    Awaitility.await(
            "the child JVM's reaper told of a container labelled " + TEST_LABEL + "=" + run)
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> output.stream().anyMatch(l -> l.contains("The reaper removes container")));
    List<String> started = running();
    assertThat(started).as("the child's container, running while its node boots").hasSize(1);
    assertThat(output).anyMatch(l -> l.contains("The reaper removes container " + started.get(0)));
    long killedAt = System.nanoTime();
    child.destroyForcibly().waitFor();

    Awaitility.await("container " + started + " removed after its JVM was killed")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> containers().isEmpty());
    assertThat(containers()).isEmpty();
    System.out.printf(
        "[kill -9] k3s container %s removed %d ms after the kill%n",
        started.get(0).substring(0, 12), (System.nanoTime() - killedAt) / 1_000_000);
  }

  private List<String> running() {
    return DockerClientFactory.instance()
        .client()
        .listContainersCmd()
        .withLabelFilter(List.of(TEST_LABEL + "=" + run))
        .exec()
        .stream()
        .filter(c -> "running".equals(c.getState()))
        .map(c -> c.getId())
        .toList();
  }

  private List<String> containers() {
    return DockerClientFactory.instance()
        .client()
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(List.of(TEST_LABEL + "=" + run))
        .exec()
        .stream()
        .map(c -> c.getId())
        .toList();
  }

  /** The child JVM: starts the node container with the given label and waits to be killed. */
  static final class StartNodeAndWait {
    public static void main(String[] args) {
      OfflineTestcontainers.configure();
      String[] label = args[1].split("=", 2);
      try (KubeRayK3sContainer node =
          new KubeRayK3sContainer(
              DockerImageName.parse(args[0]).asCompatibleSubstituteFor("rancher/k3s"))) {
        node.withLabel(label[0], label[1]);
        node.start();
        new CountDownLatch(1).await(); // until killed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
