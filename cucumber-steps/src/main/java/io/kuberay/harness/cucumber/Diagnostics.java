package io.kuberay.harness.cucumber;

import io.cucumber.java.Scenario;
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
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The diagnostics of a failed scenario's namespace: {@code rayclusters.yaml}, {@code pods.yaml}, {@code events.txt},
 * {@code logs/<pod>.log}, {@code logs/operator.log}; each part best effort ({@code <part>.error} when unreadable).
 * A copy of junit-extension's {@code DiagnosticsBundle}, to be replaced by the harness-core version once it moves.
 */
final class Diagnostics {

  private final KubeRayEnvironment environment;
  private final String namespace;

  Diagnostics(KubeRayEnvironment environment, String namespace) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /** {@code <root>/<feature file name>/<scenario name>-line<n>}, with names reduced to safe characters. */
  static Path directoryFor(Path root, Scenario scenario) {
    String uri = scenario.getUri().toString();
    String feature = uri.substring(uri.lastIndexOf('/') + 1).replaceFirst("\\.feature$", "");
    String line = scenario.getLine() == null ? "" : "-line" + scenario.getLine();
    return root.resolve(safe(feature)).resolve(safe(scenario.getName()) + line);
  }

  static String safe(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("(^-+|-+$)", "");
    return s.isEmpty() ? "unnamed" : s.length() > 80 ? s.substring(0, 80) : s;
  }

  /** The bundle's path, file list and events, for attaching to the report. */
  static String summary(Path dir) {
    StringBuilder text = new StringBuilder("Diagnostics bundle: ").append(dir.toAbsolutePath()).append('\n');
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(Files::isRegularFile).sorted().forEach(f -> text.append("  ").append(dir.relativize(f)).append('\n'));
      Path events = dir.resolve("events.txt");
      if (Files.isRegularFile(events)) {
        text.append("\nevents.txt:\n").append(Files.readString(events));
      }
    } catch (IOException e) {
      text.append("(cannot list: ").append(e).append(")\n");
    }
    return text.toString();
  }

  /** Writes the bundle into {@code dir}, replacing a bundle of an earlier run there, and returns {@code dir}. */
  Path writeTo(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> old = Files.walk(dir)) {
          for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
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
        // best effort: the scenario's own failure matters more than this bundle
      }
    }
  }
}
