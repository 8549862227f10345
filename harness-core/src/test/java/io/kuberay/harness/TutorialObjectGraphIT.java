package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The quick-start's object graph: install KubeRay, helm-install the ray-cluster chart as release
 * raycluster.
 */
class TutorialObjectGraphIT {

  private static final Duration READY = Duration.ofSeconds(30);

  @Test
  @DisplayName(
      "v1.1.0: operator in ray-system, raycluster-kuberay with v1.1.0's names, command, service and status")
  void v110() {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion("v1.1.0").rayMode(RayMode.OFF).startExactly()) {
      assertThat(env.operatorNamespace()).isEqualTo("ray-system");
      List<Pod> operatorPods = env.client().pods().inNamespace("ray-system").list().getItems();
      assertThat(operatorPods)
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getMetadata().getName())
                    .matches("kuberay-operator-[0-9a-f]{10}-[a-z0-9]{5}");
                assertThat(p.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/component", "kuberay-operator");
              });
      assertThat(env.operatorPod()).get().satisfies(p -> p.awaitReady(READY));

      RayClusterHandle cluster =
          env.rayClusters()
              .create(RayClusterSpec.helmChartDefaults("raycluster", KubeRayVersion.V1_1_0));
      assertThat(cluster.name()).isEqualTo("raycluster-kuberay");
      cluster.awaitReady(READY);

      Pod head = cluster.headPod().get();
      assertThat(head.getMetadata().getName())
          .matches("raycluster-kuberay-head-[bcdfghjklmnpqrstvwxz2456789]{5}");
      assertThat(head.getMetadata().getLabels())
          .containsEntry("ray.io/cluster", "raycluster-kuberay")
          .containsEntry("ray.io/node-type", "head")
          .containsEntry("ray.io/group", "headgroup")
          .containsEntry("ray.io/identifier", "raycluster-kuberay-head")
          .containsEntry("ray.io/is-ray-node", "yes")
          .containsEntry("app.kubernetes.io/created-by", "kuberay-operator");
      assertThat(head.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getKind()).isEqualTo("RayCluster");
                assertThat(o.getController()).isTrue();
              });
      Container ray = head.getSpec().getContainers().get(0);
      assertThat(ray.getCommand()).containsExactly("/bin/bash", "-lc", "--");
      assertThat(ray.getArgs())
          .containsExactly(
              "ulimit -n 65536; ray start --head  --dashboard-host=0.0.0.0  --metrics-export-port=8080  --block  --dashboard-agent-listen-port=52365  --num-cpus=1  --memory=2000000000 ");
      assertThat(ray.getEnv())
          .filteredOn(e -> "REDIS_PASSWORD".equals(e.getName()))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getValue())
                      .as("REDIS_PASSWORD has a name and no value, as Go leaves it")
                      .isNull());
      assertThat(env(ray))
          .containsEntry("RAY_ADDRESS", "127.0.0.1:6379")
          .containsEntry("RAY_PORT", "6379")
          .containsEntry(
              "RAY_USAGE_STATS_EXTRA_TAGS", "kuberay_version=v1.1.0;kuberay_crd=RayCluster");
      assertThat(ray.getPorts())
          .extracting(p -> p.getName() + ":" + p.getContainerPort())
          .contains("metrics:8080");
      assertThat(ray.getReadinessProbe().getExec().getCommand())
          .last()
          .asString()
          .contains("52365/api/local_raylet_healthz")
          .contains("8265/api/gcs_healthz");

      List<PodHandle> workers = cluster.workerPods();
      assertThat(workers)
          .singleElement()
          .satisfies(
              w ->
                  assertThat(w.name())
                      .matches("raycluster-kuberay-worker-workergroup-[a-z0-9]{5}"));
      Pod worker = workers.get(0).get();
      assertThat(worker.getSpec().getInitContainers())
          .extracting(Container::getName)
          .containsExactly("wait-gcs-ready");
      assertThat(worker.getSpec().getContainers().get(0).getArgs())
          .containsExactly(
              "ulimit -n 65536; ray start  --address=raycluster-kuberay-head-svc.default.svc.cluster.local:6379  --metrics-export-port=8080  --block  --dashboard-agent-listen-port=52365  --num-cpus=1  --memory=1000000000 ");
      assertThat(env(worker.getSpec().getContainers().get(0)))
          .containsEntry("FQ_RAY_IP", "raycluster-kuberay-head-svc.default.svc.cluster.local")
          .containsEntry("RAY_IP", "raycluster-kuberay-head-svc");

      Service svc = cluster.headService();
      assertThat(svc.getMetadata().getName()).isEqualTo("raycluster-kuberay-head-svc");
      assertThat(svc.getSpec().getClusterIP()).isNotEqualTo("None");
      assertThat(svc.getSpec().getPorts())
          .extracting(ServicePort::getName, ServicePort::getPort)
          .containsExactly(
              Tuple.tuple("client", 10001),
              Tuple.tuple("dashboard", 8265),
              Tuple.tuple("metrics", 8080),
              Tuple.tuple("redis", 6379),
              Tuple.tuple("serve", 8000));

      RayClusterStatus status = cluster.status();
      assertThat(status.state()).isEqualTo("ready");
      assertThat(status.desiredWorkerReplicas()).isEqualTo(1);
      assertThat(status.availableWorkerReplicas()).isEqualTo(1);
      assertThat(status.endpoints())
          .containsEntry("dashboard", "8265")
          .containsEntry("client", "10001");
      assertThat(status.head()).containsKeys("podIP", "serviceIP").doesNotContainKey("podName");
      assertThat(status.raw())
          .doesNotContainKey("conditions")
          .containsEntry("desiredCPU", "2")
          .containsEntry("desiredMemory", "3G");
    }
  }

  @Test
  @DisplayName(
      "v1.5.0: operator in default, v1.5.0 worker naming, sorted flags, headless service, conditions")
  void v150() {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion("v1.5.0").rayMode(RayMode.OFF).startExactly()) {
      assertThat(env.operatorNamespace()).isEqualTo("default");
      RayClusterHandle cluster =
          env.rayClusters()
              .create(RayClusterSpec.helmChartDefaults("raycluster", KubeRayVersion.V1_5_0));
      cluster.awaitReady(READY);
      Pod head = cluster.headPod().get();
      Container ray = head.getSpec().getContainers().get(0);
      assertThat(ray.getCommand()).containsExactly("/bin/bash", "-c", "--");
      assertThat(ray.getArgs().get(0))
          .isEqualTo(
              "ulimit -n 65536; ray start --head  --block  --dashboard-agent-listen-port=52365  --dashboard-host=0.0.0.0  --memory=2000000000  --metrics-export-port=8080  --num-cpus=1 ");
      assertThat(cluster.workerPods())
          .singleElement()
          .satisfies(
              w ->
                  assertThat(w.name())
                      .matches("raycluster-kuberay-workergroup-worker-[a-z0-9]{5}"));
      // v1.5.0 names the created worker (v1.1.0's event has an empty name).
      String worker = cluster.workerPods().get(0).name();
      assertThat(
              env.client().v1().events().inNamespace("default").list().getItems().stream()
                  .filter(e -> "CreatedWorkerPod".equals(e.getReason()))
                  .map(e -> e.getMessage()))
          .containsExactly("Created worker Pod default/" + worker);
      Service svc = cluster.headService();
      assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
      assertThat(svc.getSpec().getPublishNotReadyAddresses()).isTrue();
      assertThat(svc.getSpec().getPorts())
          .extracting(ServicePort::getName)
          .contains("gcs-server")
          .doesNotContain("redis");
      RayClusterStatus status = cluster.status();
      assertThat(status.readyWorkerReplicas()).isEqualTo(1);
      assertThat(status.head())
          .containsEntry("podName", head.getMetadata().getName())
          .containsEntry("serviceName", "raycluster-kuberay-head-svc")
          .containsEntry("serviceIP", head.getStatus().getPodIP());
      assertThat(status.condition("HeadPodReady"))
          .get()
          .satisfies(
              c ->
                  assertThat(c)
                      .containsEntry("status", "True")
                      .containsEntry("reason", "HeadPodRunningAndReady"));
      assertThat(status.condition("RayClusterProvisioned"))
          .get()
          .satisfies(
              c ->
                  assertThat(c)
                      .containsEntry("status", "True")
                      .containsEntry("reason", "AllPodRunningAndReadyFirstTime"));
    }
  }

  private static Map<String, String> env(Container c) {
    return c.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b));
  }
}
