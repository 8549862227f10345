package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.UserImage;
import io.kuberay.harness.emulated.node.sandbox.MountNamespaces;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisPodRuntimeTest {

  @Test
  void redisImagesAreRecognisedByTheirRepositoryName() {
    assertThat(RedisPodRuntime.isRedis(pod("redis:7.4.0"))).isTrue();
    assertThat(RedisPodRuntime.isRedis(pod("redis"))).isTrue();
    assertThat(RedisPodRuntime.isRedis(pod("docker.io/library/redis:7"))).isTrue();
    assertThat(RedisPodRuntime.isRedis(pod("kuberay-harness/redis:bookworm"))).isTrue();
    assertThat(RedisPodRuntime.isRedis(pod("redis@sha256:abc"))).isTrue();
    assertThat(RedisPodRuntime.isRedis(pod("bitnami/redis-cluster:7"))).isFalse();
    assertThat(RedisPodRuntime.isRedis(pod("rayproject/ray:2.52.0"))).isFalse();
    assertThat(RedisPodRuntime.isRedis(pod("myredis:1"))).isFalse();
  }

  @Test
  void withoutRedisServerThePodWaitsWithTheFix(@TempDir Path dir) throws Exception {
    CompletableFuture<String> message = new CompletableFuture<>();
    try (RedisPodRuntime runtime = new RedisPodRuntime(null, dir, Optional.empty())) {
      runtime.start(
          pod("redis:7.4.0"),
          new RecordingLifecycle() {
            @Override
            public void imageUnavailable(String reason, String text) {
              message.complete(reason + ": " + text);
            }
          });
      assertThat(message.get(10, TimeUnit.SECONDS))
          .startsWith("ErrImagePull: image redis:7.4.0")
          .contains("no redis-server")
          .contains("apt-get install redis-server");
    }
  }

  @Test
  @DisplayName(
      "a pod whose mount namespace cannot be set up is tried again with the mount back-off, a"
          + " FailedMount per failure, and starts once it can (it used to be given up)")
  void failedMountNamespaceIsRetried(@TempDir Path dir) throws Exception {
    // The image's directory is missing when the namespace is first set up: its bind mount fails.
    Path image = dir.resolve("image");
    Path redisServer = dir.resolve("redis-server");
    Files.writeString(redisServer, "#!/bin/sh\nexec sleep 60\n");
    redisServer.toFile().setExecutable(true);
    List<String> warnings = new CopyOnWriteArrayList<>();
    CompletableFuture<Boolean> started = new CompletableFuture<>();
    try (PodFilesystems files =
            new PodFilesystems(
                dir.resolve("pods"),
                () -> null,
                new NodeCapacity("2", "4Gi"),
                MountNamespaces.probe(),
                false,
                List.of(UserImage.named("redis:7.4.0").withDirectory(image, "/opt/redis-image")));
        RedisPodRuntime runtime =
            new RedisPodRuntime(files, dir.resolve("logs"), Optional.of(redisServer))) {
      assumeTrue(
          PodProcesses.standbyWrapper(files) != null,
          "this machine has no private mount namespaces");
      runtime.start(
          pod("redis:7.4.0"),
          new RecordingLifecycle() {
            @Override
            public void warning(String reason, String message) {
              warnings.add(reason + ": " + message);
              if (warnings.size() == 2) {
                image.toFile().mkdirs();
              }
            }

            @Override
            public void containersStarted() {
              started.complete(true);
            }
          });

      await("pod default/redis started once its mount namespace can be set up")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(started)
                      .as("containersStarted of pod default/redis; its warnings: %s", warnings)
                      .isDone());
      assertThat(warnings)
          .hasSize(2)
          .allSatisfy(
              w ->
                  assertThat(w).startsWith("FailedMount: Mounting the pod's volumes failed (exit"));
      runtime.stop("default", "redis");
    }
  }

  private static Pod pod(String image) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName("redis")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("redis")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  private static class RecordingLifecycle extends IgnoringLifecycle {}
}
