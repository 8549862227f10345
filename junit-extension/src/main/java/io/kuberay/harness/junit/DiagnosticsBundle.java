package io.kuberay.harness.junit;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.RayClusterHandle;
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

/**
 * Writes what one needs to debug a failed test in a namespace: {@code rayclusters.yaml}, {@code pods.yaml},
 * {@code events.txt}, {@code logs/<pod>.log} and {@code logs/operator.log}. Each part is best effort: a part that
 * cannot be read becomes {@code <part>.error} with the exception. Needs only an environment and a namespace, so
 * any adapter (JUnit, Cucumber) can use it.
 */
final class DiagnosticsBundle {

  private final KubeRayEnvironment environment;
  private final String namespace;

  DiagnosticsBundle(KubeRayEnvironment environment, String namespace) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /** Writes the bundle into {@code dir} (created if needed) and returns {@code dir}. */
  Path writeTo(Path dir) {
    try {
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create diagnostics directory " + dir, e);
    }
    KubernetesClient client = environment.client();
    write(dir, "rayclusters.yaml", () -> {
      StringBuilder yaml = new StringBuilder();
      for (RayClusterHandle cluster : environment.rayClusters().inNamespace(namespace).list()) {
        yaml.append("---\n").append(client.getKubernetesSerialization().asYaml(cluster.get()));
      }
      return yaml.toString();
    });
    List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
    write(dir, "pods.yaml", () -> {
      StringBuilder yaml = new StringBuilder();
      pods.forEach(p -> yaml.append("---\n").append(client.getKubernetesSerialization().asYaml(p)));
      return yaml.toString();
    });
    write(dir, "events.txt", () -> events(client));
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      write(dir, "logs/" + name + ".log", () -> environment.pod(namespace, name).logs());
    }
    write(dir, "logs/operator.log", () -> environment.operatorPod().map(PodHandle::logs).orElse("(no operator pod)\n"));
    return dir;
  }

  private String events(KubernetesClient client) {
    StringBuilder text = new StringBuilder();
    client.v1().events().inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(e -> Objects.toString(e.getLastTimestamp(), "")))
        .forEach((Event e) -> text.append(Objects.toString(e.getLastTimestamp(), "-")).append(' ')
            .append(e.getType()).append(' ')
            .append(e.getReason()).append(' ')
            .append(e.getInvolvedObject().getKind()).append('/').append(e.getInvolvedObject().getName()).append(": ")
            .append(e.getMessage()).append('\n'));
    return text.toString();
  }

  private static void write(Path dir, String file, Callable<String> content) {
    try {
      Files.writeString(dir.resolve(file), content.call());
    } catch (Exception e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      try {
        Files.writeString(dir.resolve(file + ".error"), trace.toString());
      } catch (IOException ignored) {
        // best effort: the failing test's own exception matters more than this bundle
      }
    }
  }
}
