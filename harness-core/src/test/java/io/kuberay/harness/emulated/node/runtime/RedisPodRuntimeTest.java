package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  /** Ignores every callback; tests override the ones they watch. */
  private static class RecordingLifecycle implements PodRuntime.PodLifecycle {
    @Override
    public void initContainersDone() {}

    @Override
    public void containersStarted() {}

    @Override
    public void readiness(boolean ready) {}

    @Override
    public void exited(int exitCode, String reason) {}

    @Override
    public void restarted(int restartCount) {}

    @Override
    public void normal(String reason, String message) {}

    @Override
    public void imageUnavailable(String reason, String message) {}

    @Override
    public void warning(String reason, String message) {}

    @Override
    public void configError(String message) {}

    @Override
    public void mountsUnavailable(String message) {}
  }
}
