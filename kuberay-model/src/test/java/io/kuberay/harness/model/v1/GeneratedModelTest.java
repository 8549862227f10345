package io.kuberay.harness.model.v1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuberay.harness.model.v1.rayclusterspec.HeadGroupSpec;
import io.kuberay.harness.model.v1.rayclusterspec.WorkerGroupSpecs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratedModelTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: demo
        namespace: team
      spec:
        rayVersion: "2.52.0"
        headGroupSpec:
          rayStartParams:
            dashboard-host: "0.0.0.0"
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
                resources:
                  limits:
                    cpu: "1"
        workerGroupSpecs:
        - groupName: small
          replicas: 2
          minReplicas: 1
          maxReplicas: 3
          rayStartParams: {}
          template:
            spec:
              containers:
              - name: ray-worker
                image: rayproject/ray:2.52.0
      status:
        state: ready
        readyWorkerReplicas: 2
      """;

  @Test
  void aRayClusterManifestReadsIntoTypedObjectsWithFabric8PodTemplates() {
    RayCluster cluster = SERIALIZATION.unmarshal(CLUSTER, RayCluster.class);

    assertThat(cluster.getMetadata().getName()).isEqualTo("demo");
    HeadGroupSpec head = cluster.getSpec().getHeadGroupSpec();
    assertThat(head.getRayStartParams()).containsEntry("dashboard-host", "0.0.0.0");
    assertThat(head.getTemplate().getSpec().getContainers().get(0).getResources().getLimits())
        .containsEntry("cpu", new Quantity("1"));
    WorkerGroupSpecs workers = cluster.getSpec().getWorkerGroupSpecs().get(0);
    assertThat(workers.getGroupName()).isEqualTo("small");
    assertThat(workers.getReplicas()).isEqualTo(2);
    assertThat(cluster.getStatus().getReadyWorkerReplicas()).isEqualTo(2);
  }

  @Test
  void typedAndGenericFormsConvertWithoutLosingFields() {
    RayCluster cluster = SERIALIZATION.unmarshal(CLUSTER, RayCluster.class);

    GenericKubernetesResource generic =
        SERIALIZATION.convertValue(cluster, GenericKubernetesResource.class);
    assertThat(generic.getApiVersion()).isEqualTo("ray.io/v1");
    assertThat(generic.getKind()).isEqualTo("RayCluster");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> groups =
        (List<Map<String, Object>>)
            ((Map<String, Object>) generic.getAdditionalProperties().get("spec"))
                .get("workerGroupSpecs");
    assertThat(groups)
        .singleElement()
        .satisfies(g -> assertThat(g).containsEntry("maxReplicas", 3));

    RayCluster back = SERIALIZATION.convertValue(generic, RayCluster.class);
    assertThat(
            back.getSpec()
                .getWorkerGroupSpecs()
                .get(0)
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("rayproject/ray:2.52.0");
  }

  @Test
  void everyKindOfTheReleaseHasItsClass() {
    assertThat(List.of(new RayCluster(), new RayJob(), new RayService(), new RayCronJob()))
        .extracting(r -> r.getApiVersion() + " " + r.getKind())
        .containsExactly(
            "ray.io/v1 RayCluster",
            "ray.io/v1 RayJob",
            "ray.io/v1 RayService",
            "ray.io/v1 RayCronJob");
  }
}
