package com.example.raypipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.raypipeline.TrainingJobLauncher;
import com.example.raypipeline.TrainingJobResult;
import io.cucumber.java.After;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.KubeRayEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * This project's own steps, next to the harness's library ({@code io.kuberay.harness.cucumber}).
 *
 * <p>The library keeps the scenario's environment and namespace in its {@code KubeRayWorld}, but does not
 * expose them to other step classes. So these steps take the namespace from the sentence (the feature names it
 * with the library's {@code Given the Kubernetes namespace "..."} too) and use the shared environment for the
 * same settings as the library ({@link KubeRayEnvironment#builder()}{@code .shared()}, with the
 * {@code kuberay.*} overrides), and delete their own RayJobs after the scenario.
 */
public class TrainingJobSteps {

  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

  private final List<Runnable> cleanups = new ArrayList<>();
  private TrainingJobResult result;

  private static KubernetesClient client() {
    return KubeRayEnvironment.builder().shared().client();
  }

  @When("the training job {string} is launched in namespace {string} with entrypoint:")
  public void launch(String name, String namespace, String entrypoint) {
    TrainingJobLauncher launcher = new TrainingJobLauncher(client(), namespace);
    cleanups.add(() -> TrainingJobLauncher.rayJobs(client()).inNamespace(namespace).withName(name).delete());
    result = launcher.launch(name, entrypoint.strip(), JOB_TIMEOUT);
  }

  @Then("the training job has finished with deployment status {string} and Ray job status {string}")
  public void finishedWith(String deploymentStatus, String jobStatus) {
    assertThat(result).as("no training job was launched in this scenario").isNotNull();
    assertThat(result.deploymentStatus()).as("%s", result).isEqualTo(deploymentStatus);
    assertThat(result.jobStatus()).as("%s", result).isEqualTo(jobStatus);
  }

  @Then("the training job's message contains {string}")
  public void messageContains(String text) {
    assertThat(result.message()).contains(text);
  }

  @After
  public void deleteLaunchedJobs() {
    cleanups.forEach(Runnable::run);
  }
}
