package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A Deployment the emulator has no controller for (the Redis of KubeRay's GCS fault-tolerance
 * samples) gets no pods, and says so in a Warning event instead of sitting at 0/1 silently; the
 * operator's own Deployment gets none.
 */
class UncontrolledWorkloadsIT {

  @Test
  @DisplayName("a user's Deployment: Warning NoController naming it; the operator's: no such event")
  void aDeploymentWithoutControllerSaysSo() {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion("v1.5.0").rayMode(RayMode.OFF).startExactly()) {
      Deployment redis =
          new DeploymentBuilder()
              .withNewMetadata()
              .withName("redis")
              .withNamespace("default")
              .endMetadata()
              .withNewSpec()
              .withNewSelector()
              .addToMatchLabels("app", "redis")
              .endSelector()
              .withNewTemplate()
              .withNewMetadata()
              .addToLabels("app", "redis")
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("redis")
              .withImage("redis:7.4.0")
              .endContainer()
              .endSpec()
              .endTemplate()
              .endSpec()
              .build();
      env.client().resource(redis).create();
      List<Event> warnings =
          Waits.until(
              "events of Deployment default/redis",
              "a NoController warning",
              Duration.ofSeconds(20),
              () ->
                  env.client().v1().events().inAnyNamespace().list().getItems().stream()
                      .filter(e -> "NoController".equals(e.getReason()))
                      .toList(),
              l -> !l.isEmpty(),
              String::valueOf,
              null);
      assertThat(warnings)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
                assertThat(e.getInvolvedObject().getName()).isEqualTo("redis");
                assertThat(e.getMessage())
                    .startsWith(
                        "The emulated cluster runs no Deployment controller: Deployment default/redis gets no pods");
              });
    }
  }
}
