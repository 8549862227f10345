package io.kuberay.harness.emulated.operator.submitter;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import io.kuberay.harness.ray.JobSubmission;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * KubeRay's light-weight submitter ({@code ray-job.light-weight-submitter.yaml}): its command line
 * is read as the binary's pflag flags read it. Before, the emulated submitter submitted {@code
 * spec.entrypoint}, which this sample does not have, and the RayJob stayed Running with no job.
 */
class LightWeightSubmitterTest {

  private static Container submitter(String... args) {
    return new ContainerBuilder()
        .withName("my-custom-rayjob-submitter")
        .withImage("kuberay/submitter:nightly")
        .withCommand("/submitter")
        .withArgs(args)
        .build();
  }

  @Test
  @DisplayName("the v1.5.0 sample's args: runtime env from the flag, entrypoint after --")
  void theSample() {
    Container sample =
        submitter(
            "--runtime-env-json",
            "{\"pip\":[\"requests==2.26.0\",\"pendulum==2.1.2\"],"
                + "\"env_vars\":{\"counter_name\":\"test_counter\"}}",
            "--",
            "python",
            "/home/ray/samples/sample_code.py");
    assertThat(LightWeightSubmitter.runs(sample)).isTrue();

    LightWeightSubmitter.Invocation invocation =
        LightWeightSubmitter.parse(sample, "rayjob-light-weight-submitter-abcde");

    JobSubmission submission = invocation.submission().orElseThrow();
    assertThat(submission.entrypoint()).isEqualTo("python /home/ray/samples/sample_code.py");
    assertThat(submission.submissionId()).isEqualTo("rayjob-light-weight-submitter-abcde");
    // JobSubmission's request body, as its toString shows it.
    assertThat(submission.toString())
        .contains(
            "runtime_env={pip=[requests==2.26.0, pendulum==2.1.2],"
                + " env_vars={counter_name=test_counter}}");
  }

  @Test
  @DisplayName("--flag=value, the numeric flags, metadata and resources; 0 is not sent")
  void everyFlag() {
    LightWeightSubmitter.Invocation invocation =
        LightWeightSubmitter.parse(
            submitter(
                "--entrypoint-num-cpus=1.5",
                "--entrypoint-num-gpus",
                "0",
                "--metadata-json",
                "{\"owner\":\"me\"}",
                "--entrypoint-resources={\"custom\":2}",
                "echo",
                "hi"),
            "id");

    String body = invocation.submission().orElseThrow().toString();
    assertThat(body)
        .contains("entrypoint=echo hi")
        .contains("entrypoint_num_cpus=1.5")
        .contains("metadata={owner=me}")
        .contains("entrypoint_resources={custom=2.0}")
        .doesNotContain("entrypoint_num_gpus");
  }

  @Test
  @DisplayName("what pflag and main.go refuse fails the submitter with their message")
  void refused() {
    assertThat(LightWeightSubmitter.parse(submitter("--no-wait", "--", "x"), "id"))
        .extracting(
            LightWeightSubmitter.Invocation::error, LightWeightSubmitter.Invocation::exitCode)
        .containsExactly("unknown flag: --no-wait", 2);
    assertThat(LightWeightSubmitter.parse(submitter("--runtime-env-json"), "id").error())
        .isEqualTo("flag needs an argument: --runtime-env-json");
    assertThat(LightWeightSubmitter.parse(submitter("--entrypoint-num-cpus", "two"), "id").error())
        .startsWith("invalid argument \"two\" for \"--entrypoint-num-cpus\" flag");
    assertThat(LightWeightSubmitter.parse(submitter("--runtime-env-json", "{}"), "id").error())
        .startsWith("no entrypoint");
    assertThat(LightWeightSubmitter.parse(submitter("--runtime-env-json", "[1]", "x"), "id"))
        .extracting(LightWeightSubmitter.Invocation::exitCode)
        .isEqualTo(1);
  }

  @Test
  @DisplayName("KubeRay's own submitter command is not the light-weight one")
  void kubeRaysCommand() {
    assertThat(
            LightWeightSubmitter.runs(
                new ContainerBuilder()
                    .withName(SubmitterContainer.NAME)
                    .withCommand("/bin/bash", "-ce", "--")
                    .withArgs("ray job submit ...")
                    .build()))
        .isFalse();
  }
}
