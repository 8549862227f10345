package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * KubeRay v1.5.0's controllers off the tutorial path, end to end through the emulated API server
 * (no Ray processes): the branches behind the defects found with KubeRay's sample manifests.
 */
class OperatorBranchesIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.OFF)
            .nodeCapacity("16", "64Gi")
            .startExactly();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  private static final String HEAD =
      "    headGroupSpec:\n      rayStartParams:\n        num-cpus: \"0\"\n      template:\n        spec:\n          containers:\n"
          + "          - name: ray-head\n            image: rayproject/ray:2.52.0\n            resources:\n              limits:\n                cpu: 500m\n                memory: 1Gi\n";

  private static void apply(String ns, String yaml) {
    GenericKubernetesResource r =
        env.client().getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    env.client()
        .genericKubernetesResources("ray.io/v1", r.getKind())
        .inNamespace(ns)
        .resource(r)
        .create();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> jobStatus(
      String ns, String name, String expectation, Predicate<Map<String, Object>> done) {
    return Waits.until(
        "RayJob " + ns + "/" + name,
        expectation,
        WAIT,
        () ->
            (Map<String, Object>)
                env.client()
                    .genericKubernetesResources("ray.io/v1", "RayJob")
                    .inNamespace(ns)
                    .withName(name)
                    .get()
                    .getAdditionalProperties()
                    .getOrDefault("status", Map.of()),
        done,
        String::valueOf,
        null);
  }

  private static Service service(String ns, String name) {
    return Waits.until(
        "service " + ns + "/" + name,
        "exists",
        WAIT,
        () -> env.client().services().inNamespace(ns).withName(name).get(),
        s -> s != null,
        String::valueOf,
        null);
  }

  @Test
  @DisplayName(
      "rayStartParams resources with container limits is valid: the cluster gets its head pod; a custom head service keeps the user's ports")
  void clusterWithResourcesInParamsAndCustomService() {
    String ns = env.createNamespace("branches-cluster");
    apply(
        ns,
        "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: custom\n  annotations:\n    ray.io/overwrite-container-cmd: \"true\"\nspec:\n"
            + HEAD.replace(
                    "    headGroupSpec:\n",
                    "    headGroupSpec:\n      headService:\n        metadata:\n          name: custom-head\n        spec:\n          ports:\n          - name: extra\n            port: 9999\n")
                .replaceAll("(?m)^  ", "")
            + "  workerGroupSpecs:\n  - groupName: multi\n    replicas: 1\n    numOfHosts: 2\n    template:\n      spec:\n        containers:\n        - name: w\n"
            + "          image: rayproject/ray:2.52.0\n          resources:\n            limits:\n              cpu: 100m\n              memory: 256Mi\n");
    Pod head =
        Waits.until(
            "head pod of custom",
            "created",
            WAIT,
            () ->
                env
                    .client()
                    .pods()
                    .inNamespace(ns)
                    .withLabel("ray.io/cluster", "custom")
                    .withLabel("ray.io/node-type", "head")
                    .list()
                    .getItems()
                    .stream()
                    .findFirst()
                    .orElse(null),
            p -> p != null,
            String::valueOf,
            null);
    assertThat(head.getMetadata().getAnnotations())
        .containsEntry("ray.io/overwrite-container-cmd", "true")
        .containsEntry("ray.io/ft-enabled", "false");
    Service svc = service(ns, "custom-head");
    assertThat(svc.getSpec().getPorts())
        .extracting(p -> p.getName())
        .startsWith("extra")
        .contains("client", "dashboard", "gcs-server", "metrics", "serve");
    assertThat(svc.getSpec().getClusterIP()).isNotEqualTo("None");
    Service headless = service(ns, "custom-headless");
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(headless.getMetadata().getLabels())
        .containsEntry("ray.io/headless-worker-svc", "custom");
    Waits.until(
        "worker pods of custom",
        "2 (1 replica x 2 hosts)",
        WAIT,
        () ->
            env.client()
                .pods()
                .inNamespace(ns)
                .withLabel("ray.io/group", "multi")
                .list()
                .getItems()
                .size(),
        n -> n == 2,
        String::valueOf,
        null);
    List<Event> events = env.client().v1().events().inNamespace(ns).list().getItems();
    assertThat(events).noneSatisfy(e -> assertThat(e.getReason()).startsWith("Invalid"));
  }

  @Test
  @DisplayName(
      "a head template naming a ServiceAccount that does not exist (ray-cluster.gke-bucket's my-ksa): no head pod, the FailedToCreateHeadPod warning carries kube-apiserver's 403; the account made, the head pod follows")
  void missingServiceAccountIsTheOperatorsWarning() {
    String ns = env.createNamespace("branches-sa");
    apply(
        ns,
        "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: gke\nspec:\n"
            + HEAD.replace(
                    "        spec:\n", "        spec:\n          serviceAccountName: my-ksa\n")
                .replaceAll("(?m)^  ", ""));
    String expected =
        "Failed to create head Pod "
            + ns
            + "/, pods \"gke-head-\" is forbidden: error looking up service account "
            + ns
            + "/my-ksa: serviceaccount \"my-ksa\" not found";
    Waits.until(
        "FailedToCreateHeadPod of RayCluster " + ns + "/gke",
        "a Warning with the API server's message",
        WAIT,
        () ->
            env.client().v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "FailedToCreateHeadPod".equals(e.getReason()))
                .map(e -> e.getType() + " " + e.getMessage())
                .toList(),
        messages -> messages.contains("Warning " + expected),
        String::valueOf,
        null);
    assertThat(env.client().pods().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(env.client().serviceAccounts().inNamespace(ns).withName("default").get())
        .as("the namespace's default ServiceAccount")
        .isNotNull();

    env.client()
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("my-ksa").endMetadata().build())
        .create();
    Pod head =
        Waits.until(
            "head pod of gke once my-ksa exists",
            "created",
            Duration.ofSeconds(90),
            () ->
                env
                    .client()
                    .pods()
                    .inNamespace(ns)
                    .withLabel("ray.io/cluster", "gke")
                    .list()
                    .getItems()
                    .stream()
                    .findFirst()
                    .orElse(null),
            p -> p != null,
            String::valueOf,
            null);
    assertThat(head.getSpec().getServiceAccountName()).isEqualTo("my-ksa");
    assertThat(head.getSpec().getVolumes())
        .extracting(v -> v.getName())
        .anyMatch(n -> n.startsWith("kube-api-access-"));
  }

  @Test
  @DisplayName(
      "InteractiveMode waits without a submitter until spec.jobId is set, then runs; the job gets <rayjob>-head-svc")
  @SuppressWarnings("unchecked")
  void interactiveMode() {
    String ns = env.createNamespace("branches-interactive");
    apply(
        ns,
        "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: talk\nspec:\n  submissionMode: InteractiveMode\n  rayClusterSpec:\n"
            + HEAD);
    Map<String, Object> waiting =
        jobStatus(ns, "talk", "Waiting", s -> "Waiting".equals(s.get("jobDeploymentStatus")));
    assertThat(waiting).doesNotContainKey("jobId");
    assertThat(env.client().batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
    env.client()
        .genericKubernetesResources("ray.io/v1", "RayJob")
        .inNamespace(ns)
        .withName("talk")
        .edit(
            r -> {
              ((Map<String, Object>) r.getAdditionalProperties().get("spec"))
                  .put("jobId", "my-own-id");
              return r;
            });
    Map<String, Object> running =
        jobStatus(
            ns,
            "talk",
            "Running with jobId my-own-id",
            s -> "Running".equals(s.get("jobDeploymentStatus")));
    assertThat(running).containsEntry("jobId", "my-own-id");
    Service svc = service(ns, "talk-head-svc");
    assertThat(svc.getMetadata().getLabels())
        .containsEntry("ray.io/originated-from-cr-name", "talk")
        .containsEntry("ray.io/originated-from-crd", "RayJob")
        .containsEntry("ray.io/node-type", "head")
        .containsEntry("ray.io/identifier", "talk-head");
    assertThat(svc.getSpec().getSelector())
        .containsEntry("ray.io/cluster", String.valueOf(running.get("rayClusterName")));
    assertThat(svc.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("RayJob"));
  }

  @Test
  @DisplayName(
      "SidecarMode puts the submitter into the head pod (restartPolicy Never) and creates no batch Job")
  void sidecarMode() {
    String ns = env.createNamespace("branches-sidecar");
    apply(
        ns,
        "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: side\nspec:\n  submissionMode: SidecarMode\n  entrypoint: python -c \"print(1)\"\n  rayClusterSpec:\n"
            + HEAD);
    Map<String, Object> status =
        jobStatus(ns, "side", "a RayCluster name", s -> s.get("rayClusterName") != null);
    Pod head =
        Waits.until(
            "head pod of the sidecar job",
            "created",
            WAIT,
            () ->
                env
                    .client()
                    .pods()
                    .inNamespace(ns)
                    .withLabel("ray.io/cluster", String.valueOf(status.get("rayClusterName")))
                    .withLabel("ray.io/node-type", "head")
                    .list()
                    .getItems()
                    .stream()
                    .findFirst()
                    .orElse(null),
            p -> p != null,
            String::valueOf,
            null);
    assertThat(head.getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactly("ray-head", "ray-job-submitter");
    assertThat(head.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(head.getSpec().getContainers().get(1).getArgs().get(0))
        .startsWith(
            "until wget --tries 1 -T 10 -q -O- http://localhost:8265/api/gcs_healthz | grep success")
        .contains(
            "ray job submit --address http://127.0.0.1:8265 --submission-id "
                + status.get("jobId")
                + " -- python -c \"print(1)\" ;");
    jobStatus(
        ns, "side", "past Initializing", s -> !"Initializing".equals(s.get("jobDeploymentStatus")));
    assertThat(env.client().batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  @DisplayName(
      "K8sJobMode uses submitterPodTemplate's image; deletionStrategy is refused while its feature gate is off")
  void submitterTemplateAndDeletionStrategy() {
    String ns = env.createNamespace("branches-submitter");
    apply(
        ns,
        "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: tmpl\nspec:\n  entrypoint: python -c \"print(1)\"\n"
            + "  submitterPodTemplate:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: my-submitter\n        image: my-registry/submitter:1\n"
            + "  rayClusterSpec:\n"
            + HEAD);
    var job =
        Waits.until(
            "submitter Job tmpl",
            "created",
            WAIT,
            () -> env.client().batch().v1().jobs().inNamespace(ns).withName("tmpl").get(),
            j -> j != null,
            String::valueOf,
            null);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("my-submitter");
              assertThat(c.getImage()).isEqualTo("my-registry/submitter:1");
            });

    apply(
        ns,
        "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: gated\nspec:\n  entrypoint: python -c \"print(1)\"\n  shutdownAfterJobFinishes: false\n"
            + "  deletionStrategy:\n    onSuccess:\n      policy: DeleteCluster\n    onFailure:\n      policy: DeleteNone\n  rayClusterSpec:\n"
            + HEAD);
    Map<String, Object> failed =
        jobStatus(
            ns,
            "gated",
            "ValidationFailed",
            s -> "ValidationFailed".equals(s.get("jobDeploymentStatus")));
    assertThat(failed)
        .containsEntry("reason", "ValidationFailed")
        .containsEntry(
            "message", "RayJobDeletionPolicy feature gate must be enabled to use DeletionStrategy");
    Event event =
        Waits.until(
            "InvalidRayJobSpec event",
            "recorded",
            WAIT,
            () ->
                env.client().v1().events().inNamespace(ns).list().getItems().stream()
                    .filter(e -> "InvalidRayJobSpec".equals(e.getReason()))
                    .findFirst()
                    .orElse(null),
            e -> e != null,
            String::valueOf,
            null);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage())
        .isEqualTo(
            ns
                + "/gated: RayJobDeletionPolicy feature gate must be enabled to use DeletionStrategy");
    assertThat(
            env.client()
                .genericKubernetesResources("ray.io/v1", "RayCluster")
                .inNamespace(ns)
                .list()
                .getItems())
        .noneSatisfy(c -> assertThat(c.getMetadata().getName()).startsWith("gated"));
  }
}
