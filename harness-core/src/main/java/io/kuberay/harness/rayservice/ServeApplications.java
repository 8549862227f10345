package io.kuberay.harness.rayservice;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Serve applications from a local directory, as a ConfigMap that {@link
 * RayServiceSpec#withApplicationsFromConfigMap} mounts into the Ray pods: the way to ship test apps
 * that works on every backend and needs no URL (Serve's runtime_env takes remote URIs only).
 */
public final class ServeApplications {

  /** The kubelet's limit for one ConfigMap (etcd's object size), with room for the metadata. */
  private static final long MAX_BYTES = 1_000_000;

  private ServeApplications() {}

  /**
   * A ConfigMap {@code name} with one key per file of {@code dir} (not recursive: ConfigMap keys
   * hold no '/').
   */
  public static ConfigMap configMap(String name, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "No directory "
              + dir.toAbsolutePath()
              + " for Serve applications: give an existing directory.");
    }
    Map<String, String> data = new TreeMap<>();
    long bytes = 0;
    try (Stream<Path> entries = Files.list(dir)) {
      List<Path> files =
          entries
              .filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().endsWith(".pyc"))
              .sorted()
              .toList();
      for (Path file : files) {
        String key = file.getFileName().toString();
        if (!key.matches("[-._a-zA-Z0-9]+")) {
          throw new IllegalArgumentException(
              "Serve application file "
                  + file
                  + " cannot be a ConfigMap key (allowed: letters, digits, '-', '_', '.'); rename it.");
        }
        data.put(key, Files.readString(file));
        bytes += Files.size(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the Serve applications in " + dir + ": " + e.getMessage(), e);
    }
    if (data.isEmpty()) {
      throw new IllegalArgumentException(
          "The directory "
              + dir.toAbsolutePath()
              + " holds no files for Serve applications: put the apps' .py files in it.");
    }
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "The Serve applications in "
              + dir.toAbsolutePath()
              + " are "
              + bytes
              + " bytes, more than a ConfigMap holds (1 MB): keep only the app code there.");
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(data)
        .build();
  }
}
