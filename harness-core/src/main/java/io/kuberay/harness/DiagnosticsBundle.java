package io.kuberay.harness;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kuberay.harness.internal.RayObject;
import io.kuberay.harness.internal.TempDirs;
import io.kuberay.harness.ray.JobDetails;
import io.kuberay.harness.ray.RayJobsClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * What one needs to debug a failed test or scenario in a namespace: {@code rayclusters.yaml},
 * {@code rayjobs.yaml}, {@code rayservices.yaml}, {@code services.yaml}, {@code pods.yaml}, {@code
 * events.txt}, {@code logs/<pod>.log}, {@code logs/operator.log} and {@code ray-jobs/<id>.log} for
 * every Ray job on each cluster's dashboard. Each part is best effort: a part that cannot be read
 * becomes {@code <part>.error} with the exception, so a broken cluster still yields the rest.
 */
public final class DiagnosticsBundle {

  private static final ResourceDefinitionContext RAY_JOBS =
      new ResourceDefinitionContext.Builder()
          .withGroup("ray.io")
          .withVersion("v1")
          .withKind("RayJob")
          .withPlural("rayjobs")
          .withNamespaced(true)
          .build();

  private final KubeRayEnvironment environment;
  private final String namespace;

  private DiagnosticsBundle(KubeRayEnvironment environment, String namespace) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  public static DiagnosticsBundle of(KubeRayEnvironment environment, String namespace) {
    return new DiagnosticsBundle(environment, namespace);
  }

  /**
   * Writes the bundle into {@code dir}, replacing a bundle an earlier run left there, and returns
   * {@code dir}.
   */
  public Path writeTo(Path dir) {
    try {
      TempDirs.deleteQuietly(dir);
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create diagnostics directory " + dir, e);
    }
    KubernetesClient client = environment.client();
    List<RayClusterHandle> clusters = environment.rayClusters().inNamespace(namespace).list();
    write(
        dir,
        "rayclusters.yaml",
        () -> yaml(client, clusters.stream().map(RayClusterHandle::get).toList()));
    write(
        dir,
        "rayjobs.yaml",
        () ->
            yaml(
                client,
                client
                    .genericKubernetesResources(RAY_JOBS)
                    .inNamespace(namespace)
                    .list()
                    .getItems()));
    write(
        dir,
        "rayservices.yaml",
        () ->
            yaml(
                client,
                client
                    .genericKubernetesResources(RayObject.RAY_SERVICES)
                    .inNamespace(namespace)
                    .list()
                    .getItems()));
    write(
        dir,
        "services.yaml",
        () -> yaml(client, client.services().inNamespace(namespace).list().getItems()));
    List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
    write(dir, "pods.yaml", () -> yaml(client, pods));
    write(dir, "events.txt", () -> events(client));
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      write(dir, "logs/" + name + ".log", () -> environment.pod(namespace, name).logs());
    }
    write(
        dir,
        "logs/operator.log",
        () -> environment.operatorPod().map(PodHandle::logs).orElse("(no operator pod)\n"));
    for (RayClusterHandle cluster : clusters) {
      write(dir, "ray-jobs/" + cluster.name() + ".txt", () -> rayJobs(dir, cluster));
    }
    return dir;
  }

  /** The bundle's path, its files and the events, as text to attach to a report. */
  public static String summary(Path dir) {
    StringBuilder text =
        new StringBuilder("Diagnostics bundle: ").append(dir.toAbsolutePath()).append('\n');
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(Files::isRegularFile)
          .sorted()
          .forEach(f -> text.append("  ").append(dir.relativize(f)).append('\n'));
      Path events = dir.resolve("events.txt");
      if (Files.isRegularFile(events)) {
        text.append("\nevents.txt:\n").append(Files.readString(events));
      }
    } catch (IOException e) {
      text.append("(cannot list: ").append(e).append(")\n");
    }
    return text.toString();
  }

  /** Lists the cluster's Ray jobs and writes each one's log next to the list. */
  private static String rayJobs(Path dir, RayClusterHandle cluster) throws IOException {
    RayJobsClient jobs = cluster.jobsClient();
    StringBuilder list = new StringBuilder();
    for (JobDetails job : jobs.list()) {
      list.append(job.id())
          .append(' ')
          .append(job.status())
          .append(' ')
          .append(Objects.toString(job.message(), ""))
          .append('\n');
      if (job.submissionId() != null) {
        Files.writeString(
            dir.resolve("ray-jobs").resolve(cluster.name() + "-" + job.submissionId() + ".log"),
            jobs.logs(job.submissionId()));
      }
    }
    return list.toString();
  }

  private static String yaml(KubernetesClient client, List<?> objects) {
    StringBuilder yaml = new StringBuilder();
    objects.forEach(
        o -> yaml.append("---\n").append(client.getKubernetesSerialization().asYaml(o)));
    return yaml.toString();
  }

  private String events(KubernetesClient client) {
    StringBuilder text = new StringBuilder();
    client.v1().events().inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(e -> Objects.toString(e.getLastTimestamp(), "")))
        .forEach(
            (Event e) ->
                text.append(Objects.toString(e.getLastTimestamp(), "-"))
                    .append(' ')
                    .append(e.getType())
                    .append(' ')
                    .append(e.getReason())
                    .append(' ')
                    .append(e.getInvolvedObject().getKind())
                    .append('/')
                    .append(e.getInvolvedObject().getName())
                    .append(": ")
                    .append(e.getMessage())
                    .append('\n'));
    return text.toString();
  }

  private static void write(Path dir, String file, Callable<String> content) {
    Path target = dir.resolve(file);
    try {
      Files.createDirectories(target.getParent());
      Files.writeString(target, content.call());
    } catch (Exception e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      try {
        Files.writeString(dir.resolve(file + ".error"), trace.toString());
      } catch (IOException ignored) {
        // best effort: the test's own failure matters more than this bundle
      }
    }
  }
}
