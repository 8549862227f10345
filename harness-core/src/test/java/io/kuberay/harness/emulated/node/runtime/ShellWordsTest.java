package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

  @Test
  @DisplayName("words split and unquoted as bash does")
  void splitsAsBash() {
    assertThat(ShellWords.split("  ray start --head  --block  "))
        .containsExactly("ray", "start", "--head", "--block");
    assertThat(
            ShellWords.split("--resources=\"{\\\"resource1\\\": 2, \\\"resource2\\\": 3}\" --x=1"))
        .containsExactly("--resources={\"resource1\": 2, \"resource2\": 3}", "--x=1");
    assertThat(ShellWords.split("--a='{\"b\": 1}' --c=d\\ e \"\" x"))
        .containsExactly("--a={\"b\": 1}", "--c=d e", "", "x");
    assertThat(ShellWords.split("--redis-password=$REDIS_PASSWORD"))
        .containsExactly("--redis-password=$REDIS_PASSWORD");
  }

  @Test
  @DisplayName(
      "ray-job.resources.yaml's generated command: --resources is one JSON value, not cut at its first space")
  void kuberaysResourcesSample() {
    // What v1.5.0 renders for rayStartParams resources: '"{\"resource1\": 2, \"resource2\": 3}"'.
    String generated =
        "ray start --head  --block  --dashboard-agent-listen-port=52365  --dashboard-host=0.0.0.0  --metrics-export-port=8080  --num-cpus=3  --num-gpus=2  --resources=\"{\\\"resource1\\\": 2, \\\"resource2\\\": 3}\" ";
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("head")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("ray-head")
            .addNewEnv()
            .withName("KUBERAY_GEN_RAY_START_CMD")
            .withValue(generated)
            .endEnv()
            .endContainer()
            .endSpec()
            .build();
    assertThat(RayProcessPodRuntime.startParams(pod))
        .containsEntry("resources", "{\"resource1\": 2, \"resource2\": 3}")
        .containsEntry("num-cpus", "3")
        .containsEntry("block", "true")
        .doesNotContainKey("head")
        .hasSize(7);
  }
}
