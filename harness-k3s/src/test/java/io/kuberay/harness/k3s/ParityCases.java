package io.kuberay.harness.k3s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.BackendType;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.Waits;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.rayservice.RayServiceHandle;
import io.kuberay.harness.rayservice.RayServiceSpec;
import io.kuberay.harness.rayservice.RayServiceStatus;
import io.kuberay.harness.rayservice.ServeApplications;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parity cases off the tutorial's path: a RayService, operator branches (custom head service,
 * overwrite command, an autoscaling cluster) and RayJobs (K8sJobMode with a ConfigMap volume,
 * HTTPMode). Each runs in a namespace of its own, is observed once it has settled, and is deleted
 * before the next starts, so that the 2-CPU k3s node has room.
 */
final class ParityCases {

  /** The repository's Serve test app, as the scenarios use it. */
  private static final Path SERVE_APPS = Path.of("../scenarios/src/main/resources/serve-apps");

  private static final Duration SETTLE = Duration.ofMinutes(8);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ParityCases() {}

  /** The greeter RayService: its objects, statuses, services and their endpoints once it serves. */
  static Observation rayService(KubeRayEnvironment env) {
    String ns = env.createNamespace("parity-serve");
    try {
      KubernetesClient client = env.client();
      client
          .configMaps()
          .inNamespace(ns)
          .resource(ServeApplications.configMap("greeter-serve-apps", SERVE_APPS))
          .create();
      RayServiceSpec spec =
          RayServiceSpec.fromYaml(resource("rayservice-greeter.yaml"))
              .withApplicationsFromConfigMap("greeter-serve-apps");
      RayServiceHandle service =
          env.rayServices().inNamespace(ns).create(spec).awaitRunning(SETTLE);
      Waits.until(
          service.toString(),
          "running with a serve endpoint",
          SETTLE,
          service::status,
          (RayServiceStatus s) -> s.isRunning() && s.numServeEndpoints() > 0,
          RayServiceStatus::toString,
          null);
      String answer =
          Waits.until(
              "GET /greet through " + service.name() + "-serve-svc",
              "200 hello, v1",
              Duration.ofMinutes(2),
              () -> get(service.serveUrl(), "/greet"),
              a -> a.equals("200 hello, v1"),
              a -> a,
              null);
      // v1.5.0 names the cluster <service>-xxxxx (v1.1.0: <service>-raycluster-xxxxx).
      Observation o = new Observation().maskGenerated(service.name());
      o.put("serve.answer", answer);
      o.object("rayservice", service.get());
      RayClusterHandle cluster = service.activeCluster();
      o.object("raycluster", cluster.get());
      o.object("pod[head]", cluster.headPod().get());
      services(o, client, ns);
      o.events(client, ns);
      return o;
    } finally {
      deleteNamespace(env, ns);
    }
  }

  /** A RayCluster with the overwrite-container-cmd annotation and a custom head service. */
  static Observation customHeadAndCommand(KubeRayEnvironment env) {
    String ns = env.createNamespace("parity-custom");
    try {
      RayClusterHandle cluster =
          env.rayClusters()
              .inNamespace(ns)
              .createFromYaml(resource("raycluster-custom.yaml"))
              .awaitReady(SETTLE);
      Observation o = new Observation();
      o.object("raycluster", cluster.get());
      o.object("pod[head]", cluster.headPod().get());
      o.put(
          "exec.generatedCommand",
          cluster.headPod().exec("bash", "-c", "echo $KUBERAY_GEN_RAY_START_CMD").stdout().strip());
      services(o, env.client(), ns);
      o.events(env.client(), ns);
      return o;
    } finally {
      deleteNamespace(env, ns);
    }
  }

  /**
   * An autoscaling cluster (autoscaler v2, one worker kept by {@code minReplicas}): the head pod
   * with the {@code autoscaler} sidecar, the worker pod, the ServiceAccount, Role and RoleBinding
   * the operator creates for the autoscaler, services and events, once the cluster is ready.
   */
  static Observation autoscaling(KubeRayEnvironment env) {
    String ns = env.createNamespace("parity-autoscaling");
    try {
      KubernetesClient client = env.client();
      RayClusterHandle cluster =
          env.rayClusters()
              .inNamespace(ns)
              .createFromYaml(resource("raycluster-autoscaling.yaml"))
              .awaitReady(SETTLE)
              .awaitWorkerPods("small", 1, SETTLE);
      Observation o = new Observation();
      o.object("raycluster", cluster.get());
      o.object("pod[head]", cluster.headPod().get());
      o.object("pod[worker]", cluster.workerPods("small").get(0).get());
      String name = cluster.name();
      o.object("serviceaccount", client.serviceAccounts().inNamespace(ns).withName(name).get());
      o.object("role", client.rbac().roles().inNamespace(ns).withName(name).get());
      o.object("rolebinding", client.rbac().roleBindings().inNamespace(ns).withName(name).get());
      services(o, client, ns);
      o.events(client, ns);
      return o;
    } finally {
      deleteNamespace(env, ns);
    }
  }

  /**
   * GCS fault tolerance with a Redis in the namespace: on k3s the cluster must get ready against
   * the real Redis. Compared are the objects the operator builds (the RayCluster's spec, the head
   * pod's metadata and spec, the services): the emulated backend simulates the Redis pod (not a Ray
   * image) but has no Redis behind it.
   */
  static Observation gcsFaultTolerance(KubeRayEnvironment env) {
    String ns = env.createNamespace("parity-ft");
    try {
      KubernetesClient client = env.client();
      apply(client, ns, resource("raycluster-gcs-ft.yaml"));
      RayClusterHandle cluster = env.rayClusters().inNamespace(ns).withName("ft");
      if (env.backendType() == BackendType.K3S) {
        cluster.awaitReady(SETTLE);
      }
      Pod head =
          Waits.until(
              "head pod of " + ns + "/ft",
              "created",
              SETTLE,
              () ->
                  client
                      .pods()
                      .inNamespace(ns)
                      .withLabel("ray.io/cluster", "ft")
                      .withLabel("ray.io/node-type", "head")
                      .list()
                      .getItems()
                      .stream()
                      .findFirst()
                      .orElse(null),
              Objects::nonNull,
              String::valueOf,
              null);
      Observation o = new Observation();
      o.object("raycluster", cluster.get());
      o.object("pod[head]", head);
      o.drop("raycluster.status");
      o.drop("pod[head].status");
      List<Service> services = client.services().inNamespace(ns).list().getItems();
      for (Service s : services) {
        o.object("service[" + o.mask(s.getMetadata().getName()) + "]", s);
      }
      return o;
    } finally {
      deleteNamespace(env, ns);
    }
  }

  /**
   * A K8sJobMode RayJob whose entrypoint runs a script from a ConfigMap volume, to
   * Complete/SUCCEEDED.
   */
  static Observation rayJobWithConfigMap(KubeRayEnvironment env) {
    return rayJob(
        env, "parity-job", "rayjob-configmap.yaml", "rayjob-sample", "test_counter got 5");
  }

  /** An HTTPMode RayJob: the operator submits to the dashboard, no submitter Job. */
  static Observation rayJobInHttpMode(KubeRayEnvironment env) {
    return rayJob(env, "parity-http", "rayjob-http.yaml", "http-job", "submitted over HTTP");
  }

  private static Observation rayJob(
      KubeRayEnvironment env,
      String namespace,
      String manifest,
      String name,
      String expectedOutput) {
    String ns = env.createNamespace(namespace);
    try {
      KubernetesClient client = env.client();
      apply(client, ns, resource(manifest));
      Map<String, Object> status =
          Waits.until(
              "RayJob " + ns + "/" + name,
              "jobDeploymentStatus Complete",
              SETTLE,
              () -> status(client, ns, name),
              s -> "Complete".equals(s.get("jobDeploymentStatus")),
              String::valueOf,
              s -> "Failed".equals(s.get("jobDeploymentStatus")));
      Observation o = new Observation().maskGenerated(name);
      RayClusterHandle cluster =
          env.rayClusters().inNamespace(ns).withName(String.valueOf(status.get("rayClusterName")));
      String logs =
          RayJobsClient.connect(cluster.dashboardUrl()).logs(String.valueOf(status.get("jobId")));
      o.put("job.logs.containsExpectedOutput", Boolean.toString(logs.contains(expectedOutput)));
      o.object(
          "rayjob",
          client
              .genericKubernetesResources("ray.io/v1", "RayJob")
              .inNamespace(ns)
              .withName(name)
              .get());
      o.object("raycluster", cluster.get());
      o.object("pod[head]", cluster.headPod().get());
      List<Job> jobs = client.batch().v1().jobs().inNamespace(ns).list().getItems();
      o.put("batchJobs", Integer.toString(jobs.size()));
      for (Job job : jobs) {
        o.object("job[" + job.getMetadata().getName() + "]", job);
      }
      for (Pod pod : client.pods().inNamespace(ns).withLabel("job-name").list().getItems()) {
        o.object("pod[submitter]", pod);
      }
      services(o, client, ns);
      o.events(client, ns);
      return o;
    } finally {
      deleteNamespace(env, ns);
    }
  }

  /** Every service in the namespace, keyed by its (masked) name, with its endpoints. */
  private static void services(Observation o, KubernetesClient client, String ns) {
    List<Service> services = new ArrayList<>(client.services().inNamespace(ns).list().getItems());
    // Sorted by the masked name: generated suffixes would order them differently on each run.
    services.sort(Comparator.comparing(s -> o.mask(s.getMetadata().getName())));
    o.put(
        "services",
        String.join(", ", services.stream().map(s -> o.mask(s.getMetadata().getName())).toList()));
    for (Service s : services) {
      String prefix = "service[" + o.mask(s.getMetadata().getName()) + "]";
      o.object(prefix, s);
      o.endpoints(prefix, client, s);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(KubernetesClient client, String ns, String name) {
    GenericKubernetesResource job =
        client
            .genericKubernetesResources("ray.io/v1", "RayJob")
            .inNamespace(ns)
            .withName(name)
            .get();
    Object status = job == null ? null : job.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static void apply(KubernetesClient client, String ns, String yaml) {
    for (String document : yaml.split("(?m)^---$")) {
      HasMetadata object =
          client.getKubernetesSerialization().unmarshal(document, GenericKubernetesResource.class);
      if (object.getApiVersion().startsWith("ray.io/")) {
        client
            .genericKubernetesResources(object.getApiVersion(), object.getKind())
            .inNamespace(ns)
            .resource((GenericKubernetesResource) object)
            .create();
      } else {
        client
            .resource(client.getKubernetesSerialization().unmarshal(document, HasMetadata.class))
            .inNamespace(ns)
            .create();
      }
    }
  }

  /**
   * Deletes the namespace and waits until its pods are gone, so that the next case finds the node's
   * CPUs free.
   */
  static void deleteNamespace(KubeRayEnvironment env, String ns) {
    env.deleteNamespace(ns);
    Waits.until(
        "namespace " + ns,
        "no pods left",
        Duration.ofMinutes(3),
        () -> env.client().pods().inNamespace(ns).list().getItems().size(),
        n -> n == 0,
        n -> n + " pods",
        null);
  }

  private static String get(URI base, String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (IOException e) {
      return "no answer: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static String resource(String name) {
    try (InputStream in =
        Objects.requireNonNull(ParityCases.class.getResourceAsStream("/parity/" + name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
