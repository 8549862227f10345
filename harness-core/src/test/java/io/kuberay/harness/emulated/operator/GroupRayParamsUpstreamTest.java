package io.kuberay.harness.emulated.operator;

import static io.kuberay.harness.emulated.operator.UpstreamSpecs.cluster;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.flavor;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.head;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.worker;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cases of KubeRay's {@code common/pod_test.go} {@code TestUpdateRayStartParamsResources} and
 * {@code TestUpdateRayStartParamsLabels} (v1.5.0+).
 */
class GroupRayParamsUpstreamTest {

  private static Map<String, String> resources(
      Map<String, String> params, Map<String, String> group) {
    Map<String, String> p = new HashMap<>(params);
    GroupRayParams.applyResources(p, group);
    return p;
  }

  @Test
  void resourcesField() {
    assertThat(resources(Map.of("existing", "true"), Map.of()))
        .containsOnly(Map.entry("existing", "true"));
    assertThat(resources(Map.of(), Map.of("cpu", "2", "memory", "4Gi")))
        .containsOnly(Map.entry("num-cpus", "2"), Map.entry("memory", "4294967296"));
    assertThat(resources(Map.of(), Map.of("CPU", "2", "GPU", "4")))
        .containsOnly(Map.entry("num-cpus", "2"), Map.entry("num-gpus", "4"));
    assertThat(resources(Map.of(), Map.of("nvidia.com/gpu", "1", "TPU", "4")))
        .containsOnly(Map.entry("num-gpus", "1"), Map.entry("resources", "'{\"TPU\":4}'"));
    assertThat(
            resources(
                Map.of(
                    "num-cpus", "1", "memory", "1000", "resources", "'{\"Custom-Resource\": 10}'"),
                Map.of("cpu", "4", "Custom-Resource", "5")))
        .containsOnly(
            Map.entry("num-cpus", "4"),
            Map.entry("memory", "1000"),
            Map.entry("resources", "'{\"Custom-Resource\":5}'"));
    assertThat(resources(Map.of(), Map.of("nvidia.com/mig-2g.32gb", "1", "cpu", "500m")))
        .containsOnly(Map.entry("num-gpus", "1"), Map.entry("num-cpus", "1"));
  }

  @Test
  void labelsField() {
    Map<String, String> p = new LinkedHashMap<>();
    GroupRayParams.applyLabels(
        p, Map.of("ray.io/market-type", "spot", "ray.io/accelerator-type", "A100"));
    assertThat(p)
        .containsOnly(Map.entry("labels", "ray.io/accelerator-type=A100,ray.io/market-type=spot"));
    Map<String, String> none = new LinkedHashMap<>();
    GroupRayParams.applyLabels(none, Map.of());
    assertThat(none).isEmpty();
  }

  @Test
  void groupLabelsOverTemplateLabelsUnderKubeRays() {
    String tmpl =
        "  workerGroupSpecs:\n  - groupName: worker-group\n    minReplicas: 0\n    maxReplicas: 5\n    labels:\n      accelerator-type: TPU-V6E\n      ray.io/group: not-kuberays\n"
            + "    template:\n      metadata:\n        labels:\n          accelerator-type: GPU\n          market-type: spot\n      spec:\n        containers:\n        - name: w\n          image: i\n";
    var c = cluster(head("") + tmpl);
    var labels =
        new PodFactory(flavor("v1.5.0"))
            .workerPod(c, c.workerGroups().get(0), "svc")
            .getMetadata()
            .getLabels();
    assertThat(labels)
        .containsEntry("accelerator-type", "TPU-V6E")
        .containsEntry("market-type", "spot")
        .containsEntry("ray.io/group", "worker-group");
    assertThat(
            new PodFactory(flavor("v1.1.0"))
                .workerPod(c, c.workerGroups().get(0), "svc")
                .getMetadata()
                .getLabels())
        .containsEntry("accelerator-type", "GPU");
  }

  @Test
  void theStartCommandCarriesThemFromV150() {
    var c =
        cluster(
            head("    resources:\n      cpu: \"2\"\n      TPU: \"4\"\n    labels:\n      zone: a\n")
                + worker("    resources:\n      GPU: \"1\"\n"));
    var head = new PodFactory(flavor("v1.5.0")).headPod(c, "svc");
    String cmd =
        head.getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getName().equals("KUBERAY_GEN_RAY_START_CMD"))
            .findFirst()
            .orElseThrow()
            .getValue();
    assertThat(cmd)
        .contains("--num-cpus=2")
        .contains("--resources='{\"TPU\":4}'")
        .contains("--labels=zone=a");
    var worker = new PodFactory(flavor("v1.5.0")).workerPod(c, c.workerGroups().get(0), "svc");
    String wcmd =
        worker.getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getName().equals("KUBERAY_GEN_RAY_START_CMD"))
            .findFirst()
            .orElseThrow()
            .getValue();
    assertThat(wcmd).contains("--num-gpus=1");
    var old = new PodFactory(flavor("v1.1.0")).headPod(c, "svc");
    assertThat(
            old.getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("KUBERAY_GEN_RAY_START_CMD"))
                .findFirst()
                .orElseThrow()
                .getValue())
        .doesNotContain("--labels");
  }
}
