package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kuberay.harness.BackendType;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.Waits;
import io.kuberay.harness.install.InstallOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KubeRay v1.5.0's own {@code ray-job.sample.yaml}, unchanged, on k3s: the release's sample (from
 * {@code tools/fetch-kuberay-samples.sh}) names {@code rayproject/ray:2.46.0}, which is the local
 * {@code kuberay-harness/ray:2.46.0} ({@code images/build-images.sh ray-2.46}) side-loaded under
 * that name. Its runtime env pip-installs requests and builds pendulum 2.1.2 in the pods. The
 * emulated counterpart is cli's KubeRaySamplesIT (the same file through kubectl on {@code up}).
 */
class K3sRayJobSampleIT {

  private static final KubeRayVersion VERSION = KubeRayVersion.V1_5_0;
  private static final String SAMPLE = "ray-job.sample.yaml";
  private static final String RAY_246 = "/ray:2.46.0";
  private static final String NAMESPACE = "ray-job-sample";

  /**
   * Ray starting in two pods, then the runtime env (pendulum compiled) on a loaded machine; the
   * image gives the dashboard's modules 300 s to start (images/ray-devel), a head that still fails
   * is ready only after its liveness probe restarted it (~10 min).
   */
  private static final Duration WAIT = Duration.ofMinutes(25);

  private static final ResourceDefinitionContext RAY_JOBS =
      new ResourceDefinitionContext.Builder()
          .withGroup("ray.io")
          .withVersion("v1")
          .withKind("RayJob")
          .withPlural("rayjobs")
          .withNamespaced(true)
          .build();

  private static K3sBackend backend;
  private static Path sample;
  @TempDir static Path workDir;

  @BeforeAll
  static void start() {
    sample = sample().orElse(null);
    if (sample == null) {
      String reason =
          "k3s ray-job sample test skipped: no "
              + SAMPLE
              + " for "
              + VERSION
              + " in "
              + fetchedSamples().resolve(VERSION.toString())
              + " (run tools/fetch-kuberay-samples.sh)";
      if ("true".equalsIgnoreCase(System.getenv("KUBERAY_SAMPLES_REQUIRED"))) {
        Assertions.fail(
            reason.replace("skipped", "cannot run") + " (KUBERAY_SAMPLES_REQUIRED=true)");
      }
      Assumptions.abort(reason);
    }
    K3sTestConditions.requireDocker("k3s ray-job sample test");
    Path manifests = K3sTestConditions.manifestsDir(VERSION).orElse(null);
    K3sTestConditions.require(
        manifests != null,
        () ->
            "k3s ray-job sample test skipped: no KubeRay release data (set kuberay.manifests.dir; CI uses ../shared/kuberay)");
    EnvironmentSettings settings =
        EnvironmentSettings.defaults()
            .withBackend(BackendType.K3S)
            .withKuberayVersion(VERSION)
            .withManifestsDir(Optional.of(manifests))
            .withRayMode(RayMode.OFF)
            .withExternalOverrides();
    String ray246 = System.getProperty(K3sImages.PREFIX, "kuberay-harness") + RAY_246;
    String before = System.getProperty(K3sImages.LOAD);
    // Side-load the 2.46.0 build too; K3sImages tags it rayproject/ray:2.46.0 in the node.
    System.setProperty(
        K3sImages.LOAD, before == null || before.isBlank() ? ray246 : before + "," + ray246);
    try {
      K3sTestConditions.requireLocalImages(
          settings,
          "k3s ray-job sample test",
          "build them with images/build-images.sh; "
              + ray246
              + " with images/build-images.sh ray-2.46");
      backend = K3sBackend.start(settings, workDir);
    } finally {
      if (before == null) {
        System.clearProperty(K3sImages.LOAD);
      } else {
        System.setProperty(K3sImages.LOAD, before);
      }
    }
    backend.installKubeRay(
        settings,
        InstallOptions.fromSystem(Duration.ofMinutes(3))
            .withOperatorImage(backend.images().operator()));
    requireExternalNames();
  }

  /**
   * The sample's runtime env pip-installs from PyPI inside the pods, so the node's CoreDNS must
   * forward names outside the cluster, as k3s's does. The harness's node has that from its start
   * (images/kube's Corefile) unless the node has no resolver, or its image predates it.
   */
  private static void requireExternalNames() {
    ConfigMap cm =
        backend.client().configMaps().inNamespace("kube-system").withName("coredns").get();
    String corefile = cm == null || cm.getData() == null ? null : cm.getData().get("Corefile");
    K3sTestConditions.require(
        corefile == null || corefile.contains("forward "),
        () ->
            "k3s ray-job sample test skipped: the node's CoreDNS does not forward names outside"
                + " the cluster (no 'forward' in kube-system/coredns's Corefile), so the sample's"
                + " pip install cannot reach PyPI: rebuild the node (images/build-images.sh kube"
                + " node-preloaded) or give it a non-loopback nameserver; Corefile: "
                + corefile);
  }

  @AfterAll
  static void stop() {
    if (backend != null) {
      try {
        // With kuberay.k3s.reuse=true (CI) the container is kept, and no other run shares this
        // one's configuration (its extra image) to sweep it: do not leave the sample's Ray pods
        // running.
        backend.client().namespaces().withName(NAMESPACE).delete();
      } finally {
        backend.close();
      }
    }
  }

  @Test
  @DisplayName(
      "the release's ray-job.sample.yaml, applied unchanged, completes (SUCCEEDED) with the sample's output in the submitter's log")
  @SuppressWarnings("unchecked")
  void sampleCompletes() throws IOException {
    var client = backend.client();
    String ns = NAMESPACE;
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    // kubectl apply -f: every document, in file order (the RayJob, then its ConfigMap).
    for (String doc : Files.readString(sample).split("(?m)^---\\s*$")) {
      if (doc.contains("kind: RayJob")) {
        client
            .genericKubernetesResources(RAY_JOBS)
            .inNamespace(ns)
            .resource(
                client.getKubernetesSerialization().unmarshal(doc, GenericKubernetesResource.class))
            .create();
      } else if (doc.contains("kind: ConfigMap")) {
        client
            .configMaps()
            .inNamespace(ns)
            .resource(client.getKubernetesSerialization().unmarshal(doc, ConfigMap.class))
            .create();
      }
    }
    Map<String, Object> status =
        Waits.until(
            "RayJob " + ns + "/rayjob-sample",
            "jobDeploymentStatus Complete",
            WAIT,
            () -> {
              GenericKubernetesResource r =
                  client
                      .genericKubernetesResources(RAY_JOBS)
                      .inNamespace(ns)
                      .withName("rayjob-sample")
                      .get();
              return r == null
                  ? null
                  : (Map<String, Object>)
                      r.getAdditionalProperties().getOrDefault("status", Map.of());
            },
            s -> "Complete".equals(s.get("jobDeploymentStatus")),
            s -> s + "; pods: " + pods(ns),
            s -> "Failed".equals(s.get("jobDeploymentStatus")));
    assertThat(status)
        .as("RayJob %s/rayjob-sample status", ns)
        .containsEntry("jobStatus", "SUCCEEDED");
    // kubectl logs -l job-name=rayjob-sample: the submitter follows the job's output.
    String logs =
        client
            .pods()
            .inNamespace(ns)
            .withLabel("job-name", "rayjob-sample")
            .list()
            .getItems()
            .stream()
            .map(p -> client.pods().inNamespace(ns).withName(p.getMetadata().getName()).getLog())
            .collect(Collectors.joining("\n"));
    assertThat(logs)
        .as("submitter pod log of RayJob %s/rayjob-sample", ns)
        .contains("test_counter got 1")
        .contains("test_counter got 5");
  }

  private static String pods(String ns) {
    return backend.client().pods().inNamespace(ns).list().getItems().stream()
        .map(K3sRayJobSampleIT::describe)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String describe(Pod p) {
    return p.getMetadata().getName()
        + " "
        + p.getStatus().getPhase()
        + (p.getStatus().getContainerStatuses() == null
            ? ""
            : p.getStatus().getContainerStatuses().stream()
                .map(
                    c ->
                        c.getName() + " ready=" + c.getReady() + " restarts=" + c.getRestartCount())
                .collect(Collectors.joining(";", "(", ")")));
  }

  /** The release's sample: in the release data's samples/, else where the fetch script puts it. */
  private static Optional<Path> sample() {
    Stream<Path> dirs =
        Stream.concat(
            K3sTestConditions.manifestsDir(VERSION)
                .map(d -> d.resolve(VERSION.toString()).resolve("samples"))
                .stream(),
            Stream.of(fetchedSamples().resolve(VERSION.toString())));
    return dirs.map(d -> d.resolve(SAMPLE)).filter(Files::isRegularFile).findFirst();
  }

  /**
   * Where tools/fetch-kuberay-samples.sh puts KubeRay's samples (as cli's KubectlValidationIT reads
   * them).
   */
  private static Path fetchedSamples() {
    String explicit = System.getenv("KUBERAY_HARNESS_SAMPLES");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return cache.resolve("kuberay-harness").resolve("kuberay-samples");
  }
}
