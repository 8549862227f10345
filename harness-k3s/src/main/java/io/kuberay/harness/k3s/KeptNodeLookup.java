package io.kuberay.harness.k3s;

import io.kuberay.harness.EnvironmentSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Finds the running container an earlier run kept for this configuration ({@code
 * kuberay.k3s.reuse=true}) with {@link DockerEngineApi} alone: the same images, {@link
 * NodeImagePlan} and {@link ReuseKey} as a start through Testcontainers, so both find the same
 * container. Empty when there is none, or when an image is missing (the Testcontainers path then
 * says so or pulls it).
 */
final class KeptNodeLookup {

  static final String KUBECONFIG_PATH = "/etc/rancher/k3s/k3s.yaml";
  private static final int API_PORT = 6443;
  private static final Pattern SERVER = Pattern.compile("(?m)^(\\s+server:\\s*)\\S+\\s*$");

  /**
   * A kept container, found.
   *
   * @param containerId its ID
   * @param kubeconfig its kubeconfig, pointing at the API server's port on this host
   */
  record Found(
      String containerId, String kubeconfig, K3sImages images, NodeImagePlan plan, ReuseKey key) {}

  private final DockerEngineApi docker;
  private final Map<String, Optional<String>> ids = new HashMap<>();

  KeptNodeLookup(DockerEngineApi docker) {
    this.docker = docker;
  }

  Optional<Found> find(EnvironmentSettings settings) throws IOException {
    K3sImages images = K3sImages.resolve(settings, name -> id(name).isPresent());
    if (images.all().stream().anyMatch(name -> id(name).isEmpty())) {
      return Optional.empty();
    }
    String nodeId = id(images.node()).orElseThrow();
    NodeImagePlan plan =
        NodeImagePlan.of(images, name -> id(name).orElseThrow(), preloaded(nodeId));
    ReuseKey key =
        new ReuseKey(
            id(plan.node()).orElseThrow(),
            plan.ids(),
            images.aliases(),
            settings.kuberayVersion().toString(),
            settings.installMethod().toString());
    String filters =
        "{\"label\":[\""
            + ReuseKey.CONFIG_LABEL
            + "="
            + key.hash()
            + "\"],\"status\":[\"running\"]}";
    JsonNode containers =
        docker
            .json("/containers/json?filters=" + DockerEngineApi.query(filters))
            .orElseThrow(() -> new IOException("Docker answered 404 to the container list"));
    for (JsonNode container : containers) {
      Optional<Integer> port = apiPort(container);
      if (port.isEmpty()) {
        continue;
      }
      String id = container.path("Id").asString();
      Optional<byte[]> tar =
          docker.bytes(
              "/containers/" + id + "/archive?path=" + DockerEngineApi.query(KUBECONFIG_PATH));
      if (tar.isPresent()) {
        String kubeconfig =
            withServer(TarEntry.first(tar.get()), "https://localhost:" + port.get());
        return Optional.of(new Found(id, kubeconfig, images, plan, key));
      }
    }
    return Optional.empty();
  }

  /** {@code kubeconfig} with its cluster's server replaced by {@code url}. */
  static String withServer(byte[] kubeconfig, String url) throws IOException {
    String text = new String(kubeconfig, StandardCharsets.UTF_8);
    Matcher m = SERVER.matcher(text);
    if (!m.find()) {
      throw new IOException("The node's kubeconfig names no server");
    }
    return m.replaceAll(Matcher.quoteReplacement(m.group(1) + url));
  }

  private static Optional<Integer> apiPort(JsonNode container) {
    for (JsonNode port : container.path("Ports")) {
      if (port.path("PrivatePort").asInt() == API_PORT && port.path("PublicPort").asInt() > 0) {
        return Optional.of(port.path("PublicPort").asInt());
      }
    }
    return Optional.empty();
  }

  private Optional<String> id(String image) {
    return ids.computeIfAbsent(
        image,
        name -> {
          try {
            return docker.json("/images/" + name + "/json").map(i -> i.path("Id").asString());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private List<PreloadedNode> preloaded(String baseId) throws IOException {
    String filters = "{\"label\":[\"" + PreloadedNode.BASE_LABEL + "=" + baseId + "\"]}";
    List<PreloadedNode> found = new ArrayList<>();
    for (JsonNode image :
        docker
            .json("/images/json?filters=" + DockerEngineApi.query(filters))
            .orElseThrow(() -> new IOException("Docker answered 404 to the image list"))) {
      List<String> tags = new ArrayList<>();
      image.path("RepoTags").forEach(t -> tags.add(t.asString()));
      Map<String, String> labels = new HashMap<>();
      image
          .path("Labels")
          .properties()
          .forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
      PreloadedNode.fromListing(tags, labels).ifPresent(found::add);
    }
    return found;
  }
}
