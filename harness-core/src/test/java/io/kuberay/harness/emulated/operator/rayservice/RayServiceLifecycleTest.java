package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.Waits;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.operator.OperatorFlavor;
import io.kuberay.harness.emulated.support.GoDuration;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RayService's life per release, against the emulated API server without a RayCluster
 * controller (its clusters never get ready): v1.5.0's and v1.7.0's ValidateRayServiceMetadata and
 * {@code ray.io/initializing-timeout}, v1.7.0's {@code ray.io/rayservice-finalizer}, {@code
 * spec.managedBy} and {@code spec.suspend}, as rayservice_controller.go does them (its unit tests'
 * cases TestRayServiceFinalizer, Test_RayServiceReconcileManagedBy and the suspend state machine).
 */
class RayServiceLifecycleTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String FINALIZER = "ray.io/rayservice-finalizer";

  private EmulatedApiServer api;
  private RayServiceController controller;
  private KubernetesClient client;

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private void start(String version) {
    api = new EmulatedApiServer().start("http://127.0.0.1:1");
    api.create(RayServiceControllerStatusTest.openCrd("RayCluster"));
    api.create(RayServiceControllerStatusTest.openCrd("RayService"));
    client = api.client();
    controller =
        new RayServiceController(
                client,
                api,
                new OperatorFlavor(KubeRayVersion.of(version)),
                new EventRecorder(api, "rayservice-controller"),
                (namespace, cluster) -> Optional.empty(),
                new ServePorts())
            .start();
  }

  /** A RayService with one head-only cluster; {@code metadata} and {@code spec} lines added. */
  private static String yaml(String name, String metadata, String spec) {
    return String.join(
        "\n",
        "apiVersion: ray.io/v1",
        "kind: RayService",
        "metadata:",
        "  name: " + name,
        "  namespace: default",
        metadata,
        "spec:",
        spec,
        "  serveConfigV2: 'applications: []'",
        "  rayClusterConfig:",
        "    headGroupSpec:",
        "      rayStartParams: {}",
        "      template:",
        "        spec:",
        "          containers:",
        "          - name: ray-head",
        "            image: rayproject/ray:2.52.0",
        "            ports: [{containerPort: 8000, name: serve}]");
  }

  private void create(String yaml) {
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
        .inNamespace("default")
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .create();
  }

  private GenericKubernetesResource get(String name) {
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
        .inNamespace("default")
        .withName(name)
        .get();
  }

  /** As kubectl edit: read, change, write; again on a conflict with the controller's writes. */
  private void edit(String name, Consumer<GenericKubernetesResource> change) {
    edit(ResourceDefinitions.RAY_SERVICES, name, change);
  }

  private void edit(
      ResourceDefinitionContext kind, String name, Consumer<GenericKubernetesResource> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .genericKubernetesResources(kind)
            .inNamespace("default")
            .withName(name)
            .edit(
                r -> {
                  change.accept(r);
                  return r;
                });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  private static Map<String, Object> status(GenericKubernetesResource service) {
    return Maps.map(service.getAdditionalProperties().get("status"));
  }

  private static Map<String, Object> condition(GenericKubernetesResource service, String type) {
    return Maps.list(status(service).get("conditions")).stream()
        .map(Maps::map)
        .filter(c -> type.equals(c.get("type")))
        .findFirst()
        .orElse(Map.of());
  }

  private static List<String> finalizers(GenericKubernetesResource resource) {
    return resource.getMetadata().getFinalizers() == null
        ? List.of()
        : resource.getMetadata().getFinalizers();
  }

  private List<GenericKubernetesResource> clusters(String service) {
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .withLabel("ray.io/originated-from-cr-name", service)
        .list()
        .getItems();
  }

  private List<Event> events(String service) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "RayService".equals(e.getInvolvedObject().getKind()))
        .filter(e -> service.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private static String describe(List<Event> events) {
    return events.stream()
        .map(e -> e.getType() + " " + e.getReason() + " \"" + e.getMessage() + "\"")
        .toList()
        .toString();
  }

  private GenericKubernetesResource await(
      String name, String expectation, Predicate<GenericKubernetesResource> condition) {
    return Waits.until(
        "RayService default/" + name,
        expectation,
        WAIT,
        () -> get(name),
        condition,
        r ->
            "metadata.finalizers "
                + finalizers(r)
                + ", deletionTimestamp "
                + r.getMetadata().getDeletionTimestamp()
                + ", status "
                + status(r)
                + ", clusters "
                + clusters(name).stream().map(c -> c.getMetadata().getName()).toList()
                + ", events "
                + describe(events(name)),
        null);
  }

  private Event awaitEvent(String name, String reason) {
    return Waits.until(
            "RayService default/" + name,
            "an event " + reason,
            WAIT,
            () -> events(name),
            l -> l.stream().anyMatch(e -> reason.equals(e.getReason())),
            RayServiceLifecycleTest::describe,
            null)
        .stream()
        .filter(e -> reason.equals(e.getReason()))
        .findFirst()
        .orElseThrow();
  }

  private void awaitGone(String name) {
    Waits.until(
        "RayService default/" + name,
        "gone",
        WAIT,
        () -> Optional.ofNullable(get(name)),
        Optional::isEmpty,
        r ->
            r.map(s -> "still there: finalizers " + finalizers(s) + ", clusters " + clusters(name))
                .orElse("gone"),
        null);
  }

  private static String pending(GenericKubernetesResource service) {
    return Maps.string(status(service), "pendingServiceStatus", "rayClusterName").orElse("");
  }

  // ---- ValidateRayServiceMetadata

  /**
   * v1.5.0: metadata before spec, a Warning {@code InvalidRayServiceMetadata} "The RayService
   * metadata is invalid ns/name: err", nothing created, retried: a corrected annotation is taken.
   */
  @Test
  void v150RefusesInvalidMetadataThenTakesTheCorrection() {
    start("v1.5.0");
    // Both the name and the spec are wrong: the name is reported.
    create(
        yaml("svc.v2", "", "")
            .replace(
                "      rayStartParams: {}",
                "      rayStartParams: {}\n      headService: {metadata: {name: custom}}"));
    create(yaml("svc", "  annotations: {ray.io/initializing-timeout: soon}", ""));

    assertThat(awaitEvent("svc.v2", "InvalidRayServiceMetadata").getMessage())
        .isEqualTo(
            "The RayService metadata is invalid default/svc.v2: RayService name should be a valid"
                + " DNS1035 label: [a DNS-1035 label must consist of lower case alphanumeric"
                + " characters or '-', start with an alphabetic character, and end with an"
                + " alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation"
                + " is '[a-z]([-a-z0-9]*[a-z0-9])?')]");
    Event annotation = awaitEvent("svc", "InvalidRayServiceMetadata");
    assertThat(annotation.getType()).isEqualTo("Warning");
    assertThat(annotation.getMessage())
        .isEqualTo(
            "The RayService metadata is invalid default/svc: RayService annotations is invalid:"
                + " annotation ray.io/initializing-timeout has invalid format: soon. Expected Go"
                + " duration format (e.g., '5m', '1h') or positive integer seconds");
    assertThat(events("svc.v2"))
        .extracting(Event::getReason)
        .doesNotContain("InvalidRayServiceSpec");
    assertThat(clusters("svc")).isEmpty();
    assertThat(clusters("svc.v2")).isEmpty();
    assertThat(status(get("svc"))).isEmpty();

    edit("svc", r -> r.getMetadata().getAnnotations().put("ray.io/initializing-timeout", "1h"));
    await("svc", "a pending cluster once the annotation is right", r -> !clusters("svc").isEmpty());
    // v1.5.0 has no RayService finalizer.
    assertThat(finalizers(get("svc"))).isEmpty();
  }

  /**
   * v1.7.0 (validateRayService): the finalizer first, then the metadata, refused with Ready False
   * ValidationFailed and an event "ns/name: The RayService metadata is invalid: err".
   */
  @Test
  void v170FailsInvalidMetadataWithValidationFailed() {
    start("v1.7.0");
    String name = "s".repeat(48);
    create(yaml(name, "", "  upgradeStrategy: {type: Sideways}"));

    GenericKubernetesResource failed =
        await(name, "Ready False ValidationFailed", r -> !condition(r, "Ready").isEmpty());

    assertThat(condition(failed, "Ready"))
        .containsEntry("status", "False")
        .containsEntry("reason", "ValidationFailed")
        .containsEntry(
            "message",
            "The RayService metadata is invalid: RayService name should be no more than 47"
                + " characters");
    assertThat(finalizers(failed)).containsExactly(FINALIZER);
    assertThat(events(name))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("InvalidRayServiceMetadata");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "default/"
                          + name
                          + ": The RayService metadata is invalid: RayService name should be no"
                          + " more than 47 characters");
            });
    assertThat(clusters(name)).isEmpty();

    // kubectl delete: the finalizer goes, there being no cluster.
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
        .inNamespace("default")
        .withName(name)
        .delete();
    awaitGone(name);
  }

  /**
   * v1.7.0's RayServiceIncrementalUpgrade gate is on: ValidateClusterUpgradeOptions refuses
   * NewClusterWithIncrementalUpgrade without the autoscaler; with valid options the RayService runs
   * as with NewCluster and says so with a NotEmulated Warning naming the field. v1.5.0 (gate off)
   * takes the type as any zero-downtime one, silently as KubeRay does.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void incrementalUpgradeIsValidatedAndNamedAsNotEmulated(String version) {
    start(version);
    create(yaml("bare", "", "  upgradeStrategy: {type: NewClusterWithIncrementalUpgrade}"));
    create(
        yaml(
                "gateway",
                "",
                "  upgradeStrategy:\n"
                    + "    type: NewClusterWithIncrementalUpgrade\n"
                    + "    clusterUpgradeOptions: {maxSurgePercent: 50, stepSizePercent: 25,"
                    + " intervalSeconds: 10, gatewayClassName: istio}")
            .replace(
                "  rayClusterConfig:\n",
                "  rayClusterConfig:\n    enableInTreeAutoscaling: true\n"));

    await("gateway", "a pending cluster", r -> !clusters("gateway").isEmpty());
    if (version.equals("v1.5.0")) {
      await("bare", "a pending cluster", r -> !clusters("bare").isEmpty());
      assertThat(events("gateway")).extracting(Event::getReason).doesNotContain("NotEmulated");
      return;
    }
    Event notEmulated = awaitEvent("gateway", "NotEmulated");
    assertThat(notEmulated.getType()).isEqualTo("Warning");
    assertThat(notEmulated.getMessage())
        .startsWith(
            "spec.upgradeStrategy.type NewClusterWithIncrementalUpgrade is not emulated: no Gateway"
                + " or HTTPRoute is made");
    GenericKubernetesResource bare =
        await("bare", "Ready False ValidationFailed", r -> !condition(r, "Ready").isEmpty());
    assertThat(condition(bare, "Ready"))
        .containsEntry("reason", "ValidationFailed")
        .containsEntry(
            "message",
            "The RayService spec is invalid: Ray Autoscaler is required for"
                + " NewClusterWithIncrementalUpgrade");
    assertThat(clusters("bare")).isEmpty();
  }

  // ---- ray.io/initializing-timeout

  private static final Pattern SPENT =
      Pattern.compile(
          "RayService failed to become ready within the configured timeout of 3s\\. Time spent"
              + " initializing: (\\S+)");

  /**
   * v1.5.0 and v1.7.0: a RayService still Initializing 3 s (the annotation in integer seconds)
   * after its Ready condition was set fails for good: Ready False InitializingTimeout, a Warning,
   * its cluster deleted (after the deletion delay, here 0 s) and none created again, not even for a
   * new spec.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void initializingTimeoutFailsTheRayServiceForGood(String version) {
    start(version);
    create(
        yaml(
            "svc",
            "  annotations: {ray.io/initializing-timeout: '3'}",
            "  rayClusterDeletionDelaySeconds: 0"));
    String cluster =
        pending(
            await(
                "svc",
                "a pending cluster",
                r -> !pending(r).isEmpty() && !clusters("svc").isEmpty()));

    GenericKubernetesResource failed =
        await(
            "svc",
            "Ready False InitializingTimeout",
            r -> "InitializingTimeout".equals(condition(r, "Ready").get("reason")));

    Map<String, Object> ready = condition(failed, "Ready");
    assertThat(ready).containsEntry("status", "False");
    Matcher spent = SPENT.matcher(String.valueOf(ready.get("message")));
    assertThat(spent.matches()).as("Ready's message %s", ready.get("message")).isTrue();
    long nanos = GoDuration.parse(spent.group(1));
    assertThat(Duration.ofNanos(nanos))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(3))
        .isLessThan(Duration.ofSeconds(10));
    Map<String, Object> upgrade = condition(failed, "UpgradeInProgress");
    assertThat(upgrade).containsEntry("status", "False").containsEntry("reason", "Initializing");
    assertThat(status(failed)).doesNotContainKey("serviceStatus");
    assertThat(Maps.map(status(failed).get("pendingServiceStatus")))
        .doesNotContainKey("rayClusterName");
    assertThat(Maps.map(status(failed).get("activeServiceStatus")))
        .doesNotContainKey("rayClusterName");
    Event warning = awaitEvent("svc", "RayServiceInitializingTimeout");
    assertThat(warning.getType()).isEqualTo("Warning");
    assertThat(warning.getMessage())
        .isEqualTo(
            "RayService initializing timeout exceeded after "
                + spent.group(1)
                + " (configured timeout: 3s)");

    // Terminal: the cluster goes (cleanUpRayClusterInstance), nothing else happens.
    await("svc", "its cluster " + cluster + " deleted", r -> clusters("svc").isEmpty());
    // The event follows the delete call.
    assertThat(awaitEvent("svc", "DeletedRayCluster").getMessage())
        .isEqualTo("Deleted the RayCluster default/" + cluster);
    edit(
        "svc",
        r ->
            Maps.map(
                    Maps.list(
                            Maps.get(
                                Maps.map(r.getAdditionalProperties().get("spec")),
                                "rayClusterConfig",
                                "headGroupSpec",
                                "template",
                                "spec",
                                "containers"))
                        .get(0))
                .put("image", "rayproject/ray:2.53.0"));
    // A RayService created after the change has its cluster: the controller has seen the change.
    create(yaml("control", "", ""));
    await("control", "a pending cluster", r -> !clusters("control").isEmpty());
    GenericKubernetesResource after = get("svc");
    assertThat(clusters("svc")).isEmpty();
    assertThat(after.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(status(after)).containsEntry("observedGeneration", 1);
    assertThat(condition(after, "Ready")).containsEntry("reason", "InitializingTimeout");
    assertThat(events("svc"))
        .filteredOn(e -> "CreatedRayCluster".equals(e.getReason()))
        .singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  // ---- v1.7.0's finalizer

  /**
   * TestRayServiceFinalizer: added on the first reconcile; a deleted RayService is held while a
   * RayCluster of it exists (the controller deletes it, "Deleted the RayCluster ns/name"), and let
   * go once none is left.
   */
  @Test
  void v170FinalizerHoldsADeletedRayServiceUntilItsClustersAreGone() {
    start("v1.7.0");
    create(yaml("svc", "", ""));
    GenericKubernetesResource created =
        await(
            "svc",
            "the finalizer and a pending cluster",
            r -> finalizers(r).contains(FINALIZER) && !clusters("svc").isEmpty());
    assertThat(finalizers(created)).containsExactly(FINALIZER);
    String cluster = clusters("svc").get(0).getMetadata().getName();
    // The cluster's own finalizer (as GCS fault tolerance's) keeps it while it is deleted.
    edit(
        ResourceDefinitions.RAY_CLUSTERS,
        cluster,
        c -> c.getMetadata().setFinalizers(List.of("test.kuberay.io/hold")));

    client
        .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
        .inNamespace("default")
        .withName("svc")
        .delete();

    Waits.until(
        "RayService default/svc",
        "its deleted cluster deleted again by the controller (cleanUpRayClusterInstance)",
        WAIT,
        () -> events("svc"),
        l ->
            l.stream()
                .anyMatch(
                    e -> ("Deleted the RayCluster default/" + cluster).equals(e.getMessage())),
        RayServiceLifecycleTest::describe,
        null);
    GenericKubernetesResource held = get("svc");
    assertThat(held).as("RayService default/svc while its cluster is terminating").isNotNull();
    assertThat(held.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(finalizers(held)).containsExactly(FINALIZER);

    edit(
        ResourceDefinitions.RAY_CLUSTERS,
        cluster,
        c -> c.getMetadata().setFinalizers(new ArrayList<>()));
    awaitGone("svc");
    assertThat(clusters("svc")).isEmpty();
  }

  /**
   * What the finalizer is for: a deleted RayService's clusters are still there for the controller
   * to delete (background propagation leaves the dependents of a RayService held by its finalizer
   * alone until it is gone), with its "Deleted the RayCluster ns/name" event; then it goes.
   */
  @Test
  void v170DeletedRayServiceKeepsItsClustersForItsFinalizer() {
    start("v1.7.0");
    create(yaml("svc", "", ""));
    await(
        "svc",
        "the finalizer and a pending cluster",
        r -> finalizers(r).contains(FINALIZER) && !clusters("svc").isEmpty());
    String cluster = clusters("svc").get(0).getMetadata().getName();

    client
        .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
        .inNamespace("default")
        .withName("svc")
        .delete();

    Waits.until(
        "RayService default/svc",
        "its cluster deleted by the controller, not taken by the garbage collector beforehand",
        WAIT,
        () -> events("svc"),
        l ->
            l.stream()
                .anyMatch(
                    e -> ("Deleted the RayCluster default/" + cluster).equals(e.getMessage())),
        RayServiceLifecycleTest::describe,
        null);
    awaitGone("svc");
    assertThat(clusters("svc")).isEmpty();
  }

  /**
   * Deleting the namespace deletes the RayService with it: the controller lets go of it as of any
   * deleted RayService, so that no RayService outlives its namespace.
   */
  @Test
  void v170RayServiceGoesWithItsNamespace() {
    start("v1.7.0");
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("team").endMetadata().build())
        .create();
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
        .inNamespace("team")
        .resource(
            Serialization.unmarshal(
                yaml("svc", "", "").replace("namespace: default", "namespace: team"),
                GenericKubernetesResource.class))
        .create();
    Waits.until(
        "RayService team/svc",
        "the finalizer and a cluster",
        WAIT,
        () ->
            client
                .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
                .inNamespace("team")
                .withName("svc")
                .get(),
        r ->
            finalizers(r).contains(FINALIZER)
                && !client
                    .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
                    .inNamespace("team")
                    .list()
                    .getItems()
                    .isEmpty(),
        r -> String.valueOf(r.getMetadata()),
        null);

    client.namespaces().withName("team").delete();

    Waits.until(
        "namespace team",
        "gone with its RayService",
        WAIT,
        () ->
            client
                    .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
                    .inNamespace("team")
                    .list()
                    .getItems()
                    .stream()
                    .map(r -> "RayService " + r.getMetadata().getName() + " " + finalizers(r))
                    .collect(Collectors.joining(", "))
                + (client.namespaces().withName("team").get() == null ? "" : "; namespace there"),
        String::isEmpty,
        String::valueOf,
        null);
  }

  // ---- v1.7.0's spec.managedBy

  /**
   * Test_RayServiceReconcileManagedBy: kueue's RayService is left alone (no finalizer, no status,
   * no cluster); one naming KubeRay is reconciled.
   */
  @Test
  void v170LeavesARayServiceManagedByAnotherControllerAlone() {
    start("v1.7.0");
    create(yaml("kueue", "", "  managedBy: kueue.x-k8s.io/multikueue"));
    create(yaml("kuberay", "", "  managedBy: ray.io/kuberay-operator"));

    await(
        "kuberay",
        "the finalizer, conditions and a pending cluster",
        r ->
            finalizers(r).contains(FINALIZER)
                && !condition(r, "Ready").isEmpty()
                && !clusters("kuberay").isEmpty());
    GenericKubernetesResource kueue = get("kueue");
    assertThat(finalizers(kueue)).isEmpty();
    assertThat(status(kueue)).isEmpty();
    assertThat(clusters("kueue")).isEmpty();
    assertThat(events("kueue")).isEmpty();
  }

  // ---- v1.7.0's spec.suspend

  /**
   * handleSuspend: spec.suspend true → Suspending → the clusters and services of the RayService
   * deleted ("... during suspend") → Suspended; false → resumed, Ready and UpgradeInProgress
   * Initializing again, a new cluster.
   */
  @Test
  void v170SuspendDeletesTheClustersAndServicesAndResumeStartsAgain() {
    start("v1.7.0");
    create(yaml("svc", "", ""));
    String first =
        pending(
            await(
                "svc",
                "a pending cluster",
                r -> !pending(r).isEmpty() && !clusters("svc").isEmpty()));
    // As the serve service the controller creates once a cluster serves.
    client
        .services()
        .inNamespace("default")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("svc-serve-svc")
                .addToLabels("ray.io/originated-from-cr-name", "svc")
                .addToLabels("ray.io/originated-from-crd", "RayService")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withPort(8000)
                .endPort()
                .endSpec()
                .build())
        .create();

    edit("svc", r -> Maps.map(r.getAdditionalProperties().get("spec")).put("suspend", true));

    GenericKubernetesResource suspended =
        await("svc", "Suspended True", r -> "True".equals(condition(r, "Suspended").get("status")));
    assertThat(condition(suspended, "Suspended"))
        .containsEntry("reason", "SuspendComplete")
        .containsEntry("message", "All owned resources have been deleted.")
        .containsEntry("observedGeneration", 2);
    assertThat(condition(suspended, "Suspending"))
        .containsEntry("status", "False")
        .containsEntry("reason", "SuspendComplete");
    assertThat(condition(suspended, "Ready"))
        .containsEntry("status", "False")
        .containsEntry("reason", "SuspendComplete")
        .containsEntry("message", "RayService is suspended.");
    assertThat(condition(suspended, "UpgradeInProgress"))
        .containsEntry("status", "False")
        .containsEntry("reason", "SuspendComplete")
        .containsEntry("message", "No upgrade in progress.");
    assertThat(condition(suspended, "RollbackInProgress"))
        .containsEntry("status", "False")
        .containsEntry("reason", "SuspendComplete")
        .containsEntry("message", "No rollback in progress.");
    assertThat(pending(suspended)).isEmpty();
    assertThat(status(suspended)).containsEntry("numServeEndpoints", 0);
    assertThat(clusters("svc")).isEmpty();
    assertThat(client.services().inNamespace("default").withName("svc-serve-svc").get()).isNull();
    assertThat(events("svc"))
        .extracting(Event::getReason, Event::getMessage)
        .contains(
            tuple(
                "DeletedRayCluster", "Deleted the RayCluster default/" + first + " during suspend"),
            tuple("DeletedService", "Deleted the Service default/svc-serve-svc during suspend"));

    edit("svc", r -> Maps.map(r.getAdditionalProperties().get("spec")).put("suspend", false));

    GenericKubernetesResource resumed =
        await(
            "svc",
            "resumed with a new pending cluster",
            r ->
                "RayServiceResumed".equals(condition(r, "Suspended").get("reason"))
                    && !pending(r).isEmpty()
                    && !clusters("svc").isEmpty());
    assertThat(condition(resumed, "Suspended"))
        .containsEntry("status", "False")
        .containsEntry("message", "Spec.Suspend is false; RayService has resumed.");
    for (String type : List.of("Ready", "UpgradeInProgress")) {
      assertThat(condition(resumed, type))
          .containsEntry("status", "False")
          .containsEntry("reason", "Initializing")
          .containsEntry("message", "RayService is initializing after resuming from suspend.");
    }
    assertThat(pending(resumed)).isNotEqualTo(first);
  }
}
