package io.kuberay.harness.emulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.operator.OperatorFlavor;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator a user installs: its Deployment starts the emulated operator of the image's release,
 * and deleting it stops it.
 */
class OperatorDeploymentsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

  private EmulatedApiServer api;
  private OperatorDeployments deployments;
  private final List<KubeRayVersion> started = new CopyOnWriteArrayList<>();
  private final List<KubeRayVersion> stopped = new CopyOnWriteArrayList<>();
  private final List<OperatorFlavor> flavors = new CopyOnWriteArrayList<>();
  private volatile Runnable whileStarting = () -> {};

  @BeforeEach
  void start() {
    api = new EmulatedApiServer().start("http://127.0.0.1:1");
    deployments =
        new OperatorDeployments(
                api,
                flavor -> {
                  whileStarting.run();
                  started.add(flavor.version());
                  flavors.add(flavor);
                  return () -> stopped.add(flavor.version());
                })
            .start();
  }

  @AfterEach
  void stop() {
    deployments.close();
    api.close();
  }

  @Test
  void theDeploymentStartsTheOperatorOfItsImageTagAndDeletingItStopsIt() {
    api.create(deployment("kuberay-operator", "quay.io/kuberay/operator:v1.5.0"));

    // Not available while its pod is not ready: there is no kubelet here, the test plays it.
    Awaitility.await("the operator's pod").atMost(WAIT).until(() -> pods().size() == 1);
    assertThat(available("kuberay-operator")).isEqualTo("null");
    podsBecomeReady();
    Awaitility.await("Deployment kuberay-operator available")
        .atMost(WAIT)
        .until(() -> available("kuberay-operator").equals("True"));
    assertThat(started).containsExactly(KubeRayVersion.V1_5_0);
    assertThat(pods()).hasSize(1);
    assertThat(deployments.namespace()).contains("default");

    api.dispatcher()
        .store()
        .delete(new ResourceRef("apps", "v1", "deployments"), "default", "kuberay-operator");
    Awaitility.await("operator stopped and its pod gone")
        .atMost(WAIT)
        .until(() -> stopped.size() == 1 && pods().isEmpty());
    assertThat(stopped).containsExactly(KubeRayVersion.V1_5_0);
  }

  @Test
  void aPodReadyBeforeItsOperatorHasStartedStillMakesTheDeploymentAvailable() {
    // The node reports a pod that runs no process ready at once, while a loaded machine may still
    // be starting the operator: that Ready must not be lost.
    whileStarting = this::podsBecomeReady;
    api.create(deployment("kuberay-operator", "quay.io/kuberay/operator:v1.1.0"));

    Awaitility.await("Deployment kuberay-operator available")
        .atMost(WAIT)
        .until(() -> available("kuberay-operator").equals("True"));
    assertThat(started).containsExactly(KubeRayVersion.V1_1_0);
  }

  @Test
  void aPodWhoseServiceAccountIsMissingIsFailedCreateAndTheOperatorStartsOnceTheAccountExists() {
    Map<String, Object> deployment =
        JsonText.copy(deployment("kuberay-operator", "quay.io/kuberay/operator:v1.5.0"));
    Maps.map(Maps.get(deployment, "spec", "template", "spec"))
        .put("serviceAccountName", "kuberay-operator");
    api.create(deployment);
    Awaitility.await("FailedCreate on Deployment kuberay-operator")
        .atMost(WAIT)
        .until(
            () ->
                Maps.list(api.read("/api/v1/namespaces/default/events").orElseThrow().get("items"))
                    .stream()
                    .map(Maps::map)
                    .anyMatch(
                        e ->
                            "FailedCreate".equals(e.get("reason"))
                                && String.valueOf(e.get("message"))
                                    .matches(
                                        "Error creating: pods \"kuberay-operator-[a-z0-9]+-\" is forbidden: error looking up service account default/kuberay-operator: serviceaccount \"kuberay-operator\" not found")));
    assertThat(started).isEmpty();
    assertThat(pods()).isEmpty();

    api.create(
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "ServiceAccount",
            "metadata",
            Map.of("name", "kuberay-operator", "namespace", "default")));
    Awaitility.await("the operator's pod once its ServiceAccount exists")
        .atMost(WAIT)
        .until(() -> pods().size() == 1);
    assertThat(started).containsExactly(KubeRayVersion.V1_5_0);
  }

  @Test
  void aReleaseTheEmulatorDoesNotHaveAndASecondOperatorAreRefusedWithTheReason() {
    api.create(deployment("old-operator", "quay.io/kuberay/operator:v0.6.0"));
    Awaitility.await("Deployment old-operator refused")
        .atMost(WAIT)
        .until(() -> available("old-operator").equals("False"));
    assertThat(condition("old-operator")).containsEntry("reason", "UnsupportedRelease");
    assertThat(String.valueOf(condition("old-operator").get("message")))
        .contains("v0.6.0")
        .contains("v1.1.0");

    api.create(deployment("kuberay-operator", "quay.io/kuberay/operator:v1.1.0"));
    Awaitility.await("the operator's pod").atMost(WAIT).until(() -> pods().size() == 1);
    podsBecomeReady();
    Awaitility.await("Deployment kuberay-operator available")
        .atMost(WAIT)
        .until(() -> available("kuberay-operator").equals("True"));
    api.create(deployment("second", "quay.io/kuberay/operator:v1.7.0"));
    Awaitility.await("Deployment second refused")
        .atMost(WAIT)
        .until(() -> available("second").equals("False"));
    assertThat(condition("second")).containsEntry("reason", "OperatorAlreadyRunning");
    assertThat(started).containsExactly(KubeRayVersion.V1_1_0);
  }

  @Test
  void aTemplateChangeRollsOutANewPodAndOperatorWithTheNewCommandLine() {
    api.create(deployment("kuberay-operator", "quay.io/kuberay/operator:v1.5.0"));
    Awaitility.await("the operator's pod").atMost(WAIT).until(() -> pods().size() == 1);
    podsBecomeReady();
    Awaitility.await("Deployment kuberay-operator available")
        .atMost(WAIT)
        .until(() -> available("kuberay-operator").equals("True"));
    String firstPod = podNames().get(0);

    // kubectl rollout restart adds an annotation; this change also turns a gate on.
    Map<String, Object> changed =
        new LinkedHashMap<>(api.read(DEPLOYMENTS + "/kuberay-operator").orElseThrow());
    Map<String, Object> template = Maps.map(Maps.get(changed, "spec", "template"));
    Maps.map(template.get("metadata"))
        .put("annotations", Map.of("kubectl.kubernetes.io/restartedAt", "2026-12-02T19:00:00Z"));
    Map<String, Object> container =
        new LinkedHashMap<>(Maps.map(Maps.list(Maps.get(template, "spec", "containers")).get(0)));
    container.put(
        "args", List.of("--feature-gates=RayJobDeletionPolicy=true,RayMultiHostIndexing=true"));
    Maps.map(template.get("spec")).put("containers", List.of(container));
    api.replace(DEPLOYMENTS + "/kuberay-operator", changed);

    Awaitility.await("the old operator stopped, a new one started with the gate on")
        .atMost(WAIT)
        .until(() -> stopped.size() == 1 && started.size() == 2);
    assertThat(flavors.get(1).options().enabled("RayJobDeletionPolicy")).isTrue();
    assertThat(flavors.get(0).options().enabled("RayJobDeletionPolicy")).isFalse();
    Awaitility.await("the old pod replaced by one new pod")
        .atMost(WAIT)
        .until(() -> podNames().size() == 1 && !podNames().contains(firstPod));
    podsBecomeReady();
    // What kubectl rollout status waits for.
    Awaitility.await("Deployment kuberay-operator's new generation observed and available")
        .atMost(WAIT)
        .until(
            () ->
                api.read(DEPLOYMENTS + "/kuberay-operator")
                    .map(
                        d ->
                            Maps.integer(d, "status", "observedGeneration")
                                    .equals(Maps.integer(d, "metadata", "generation"))
                                && Maps.integer(d, "status", "availableReplicas").orElse(0) == 1)
                    .orElse(false));
    // RayJobDeletionPolicy is carried out; RayMultiHostIndexing off its default is not.
    assertThat(events())
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains("NotEmulated")
                    .contains("--feature-gates RayMultiHostIndexing=true")
                    .doesNotContain("RayJobDeletionPolicy"));
  }

  @Test
  void aCommandLineTheRealOperatorExitsOnLeavesTheDeploymentUnavailableWithItsMessage() {
    Map<String, Object> d = deployment("kuberay-operator", "quay.io/kuberay/operator:v1.5.0");
    Map<String, Object> template = Maps.map(Maps.get(d, "spec", "template"));
    Map<String, Object> bad = new LinkedHashMap<>(d);
    bad.put(
        "spec",
        Map.of(
            "replicas",
            1,
            "selector",
            Maps.get(d, "spec", "selector"),
            "template",
            Map.of(
                "metadata",
                template.get("metadata"),
                "spec",
                Map.of(
                    "containers",
                    List.of(
                        Map.of(
                            "name",
                            "operator",
                            "image",
                            "quay.io/kuberay/operator:v1.5.0",
                            "args",
                            List.of("--feature-gates=RayCronJob=true")))))));
    api.create(bad);
    Awaitility.await("Deployment kuberay-operator refused")
        .atMost(WAIT)
        .until(() -> available("kuberay-operator").equals("False"));
    assertThat(condition("kuberay-operator")).containsEntry("reason", "OperatorExited");
    assertThat(String.valueOf(condition("kuberay-operator").get("message")))
        .contains("unrecognized feature gate: RayCronJob");
    assertThat(started).isEmpty();
  }

  @Test
  void theOperatorContainersEnvReachesTheOperator() {
    Map<String, Object> d = deployment("kuberay-operator", "quay.io/kuberay/operator:v1.7.0");
    Map<String, Object> withEnv = new LinkedHashMap<>(d);
    withEnv.put(
        "spec",
        Map.of(
            "replicas",
            1,
            "selector",
            Maps.get(d, "spec", "selector"),
            "template",
            Map.of(
                "metadata",
                Maps.get(d, "spec", "template", "metadata"),
                "spec",
                Map.of(
                    "containers",
                    List.of(
                        Map.of(
                            "name",
                            "operator",
                            "image",
                            "quay.io/kuberay/operator:v1.7.0",
                            "env",
                            List.of(
                                Map.of("name", "ENABLE_GCS_FT_REDIS_CLEANUP", "value", "false"),
                                Map.of("name", "ENABLE_LOGIN_SHELL", "value", "true"))))))));
    api.create(withEnv);
    Awaitility.await("the operator of Deployment kuberay-operator started")
        .atMost(WAIT)
        .until(() -> flavors.size() == 1);
    assertThat(flavors.get(0).options().gcsFtRedisCleanup()).isFalse();
    Awaitility.await("a NotEmulated event naming ENABLE_LOGIN_SHELL")
        .atMost(WAIT)
        .until(
            () ->
                events().stream()
                    .anyMatch(
                        e ->
                            e.startsWith("NotEmulated")
                                && e.contains("env ENABLE_LOGIN_SHELL=true")));
  }

  @Test
  void onlyKuberayOperatorImagesCount() {
    assertThat(
            OperatorDeployments.operatorImage(deployment("x", "quay.io/kuberay/operator:v1.1.0")))
        .contains("quay.io/kuberay/operator:v1.1.0");
    assertThat(OperatorDeployments.operatorImage(deployment("x", "kuberay/operator:v1.7.0")))
        .isPresent();
    assertThat(OperatorDeployments.operatorImage(deployment("x", "docker.io/library/nginx:1.27")))
        .isEmpty();
  }

  private static Map<String, Object> deployment(String name, String image) {
    Map<String, Object> labels = Map.of("app.kubernetes.io/name", name);
    return Map.of(
        "apiVersion",
        "apps/v1",
        "kind",
        "Deployment",
        "metadata",
        Map.of("name", name, "namespace", "default"),
        "spec",
        Map.of(
            "replicas",
            1,
            "selector",
            Map.of("matchLabels", labels),
            "template",
            Map.of(
                "metadata",
                Map.of("labels", labels),
                "spec",
                Map.of("containers", List.of(Map.of("name", "operator", "image", image))))));
  }

  private Map<String, Object> condition(String name) {
    return api.read(DEPLOYMENTS + "/" + name)
        .map(d -> Maps.list(Maps.get(d, "status", "conditions")))
        .filter(l -> !l.isEmpty())
        .map(l -> Maps.map(l.get(0)))
        .orElse(Map.of());
  }

  private String available(String name) {
    return String.valueOf(condition(name).get("status"));
  }

  private void podsBecomeReady() {
    for (Object p : pods()) {
      Map<String, Object> pod = new LinkedHashMap<>(Maps.map(p));
      pod.put(
          "status",
          Map.of(
              "phase",
              "Running",
              "conditions",
              List.of(Map.of("type", "Ready", "status", "True"))));
      api.replace(
          "/api/v1/namespaces/default/pods/" + Maps.get(pod, "metadata", "name") + "/status", pod);
    }
  }

  private List<String> podNames() {
    return pods().stream()
        .map(p -> String.valueOf(Maps.get(Maps.map(p), "metadata", "name")))
        .toList();
  }

  private List<String> events() {
    return Maps.list(api.read("/api/v1/namespaces/default/events").orElseThrow().get("items"))
        .stream()
        .map(e -> Maps.map(e).get("reason") + ": " + Maps.map(e).get("message"))
        .toList();
  }

  private List<Object> pods() {
    return Maps.list(api.read("/api/v1/namespaces/default/pods").orElseThrow().get("items"));
  }
}
