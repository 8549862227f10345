package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The command a Job pod runs. */
class CompletionPodRuntimeTest {

  @Test
  @DisplayName("a Job pod runs command and args; args alone without a command; bash without both")
  void command() {
    assertThat(
            CompletionPodRuntime.commandOf(
                new ContainerBuilder().withCommand("python", "-c").withArgs("print(1)").build()))
        .containsExactly("python", "-c", "print(1)");
    assertThat(
            CompletionPodRuntime.commandOf(new ContainerBuilder().withArgs("python", "-V").build()))
        .containsExactly("python", "-V");
    assertThat(CompletionPodRuntime.commandOf(new ContainerBuilder().build()))
        .containsExactly("bash");
  }
}
