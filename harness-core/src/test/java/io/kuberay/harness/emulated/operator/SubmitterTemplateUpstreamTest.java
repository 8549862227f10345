package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Cases of KubeRay's {@code rayjob_controller_unit_test.go} {@code TestGetSubmitterTemplate} and
 * {@code common/job_test.go} {@code TestGetDefaultSubmitterTemplate}: the submitter pod template
 * with and without {@code submitterPodTemplate}.
 */
class SubmitterTemplateUpstreamTest {

  private static RayJobView job(String extra) {
    String yaml =
        "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: rayjob-sample\n  namespace: default\nspec:\n  entrypoint: echo no quote\n"
            + extra;
    return new RayJobView(Serialization.unmarshal(yaml, GenericKubernetesResource.class));
  }

  @Test
  void defaultTemplateUsesTheHeadImage() {
    PodTemplateSpec t =
        SubmitterJobs.submitterTemplate(
            job(""), "rayproject/ray:2.52.0", "the command", "svc:8265", "id-1");
    Container c = t.getSpec().getContainers().get(0);
    assertThat(c.getName()).isEqualTo("ray-job-submitter");
    assertThat(c.getImage()).isEqualTo("rayproject/ray:2.52.0");
    assertThat(c.getCommand()).containsExactly("/bin/bash", "-ce", "--");
    assertThat(c.getArgs()).containsExactly("the command");
    assertThat(t.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(c.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            Tuple.tuple("PYTHONUNBUFFERED", "1"),
            Tuple.tuple("RAY_DASHBOARD_ADDRESS", "svc:8265"),
            Tuple.tuple("RAY_JOB_SUBMISSION_ID", "id-1"));
  }

  @Test
  void userTemplateKeepsItsImageAndCommand() {
    String template =
        "  submitterPodTemplate:\n    metadata:\n      labels:\n        team: ml\n    spec:\n      restartPolicy: Never\n      containers:\n"
            + "      - name: my-submitter\n        image: user-image:1\n        command: [\"user-command\"]\n        env:\n        - name: A\n          value: b\n";
    PodTemplateSpec t =
        SubmitterJobs.submitterTemplate(
            job(template), "rayproject/ray:2.52.0", "the command", "svc:8265", "id-1");
    Container c = t.getSpec().getContainers().get(0);
    assertThat(c.getName()).isEqualTo("my-submitter");
    assertThat(c.getImage()).isEqualTo("user-image:1");
    assertThat(c.getCommand()).containsExactly("user-command");
    assertThat(c.getArgs()).isNullOrEmpty();
    assertThat(c.getEnv())
        .extracting(EnvVar::getName)
        .containsExactly("A", "PYTHONUNBUFFERED", "RAY_DASHBOARD_ADDRESS", "RAY_JOB_SUBMISSION_ID");
    assertThat(t.getMetadata().getLabels()).containsEntry("team", "ml");
  }

  @Test
  void userTemplateWithoutCommandGetsKubeRaysCommand() {
    String template =
        "  submitterPodTemplate:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: my-submitter\n        image: user-image:1\n";
    Container c =
        SubmitterJobs.submitterTemplate(
                job(template), "rayproject/ray:2.52.0", "the command", "svc:8265", "id-1")
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(c.getImage()).isEqualTo("user-image:1");
    assertThat(c.getCommand()).containsExactly("/bin/bash", "-ce", "--");
    assertThat(c.getArgs()).containsExactly("the command");
  }
}
