package io.kuberay.harness.emulated;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the environment client's JSON (de)serializers for the typed pods and services the emulated
 * operator and node exchange, on a background thread while the environment starts. Jackson builds
 * them per mapper on first use (reflection over some sixty model classes): done here, the first
 * RayCluster does not wait for it (figures in docs/PERFORMANCE.md). The objects are a head pod, a
 * worker pod and a head service as the emulator writes them, from {@code typed-warmup.json};
 * nothing is sent anywhere.
 */
final class ClientWarmup {

  private static final Logger logger = LoggerFactory.getLogger(ClientWarmup.class);
  private static final String OBJECTS = "typed-warmup.json";

  private ClientWarmup() {}

  static void start(KubernetesSerialization json) {
    Thread thread = new Thread(() -> run(json), "kuberay-emulated-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs on the calling thread; false if it failed (logged at debug: only a speed-up is lost). */
  static boolean run(KubernetesSerialization json) {
    try {
      Map<?, ?> objects = json.unmarshal(read(), Map.class);
      PodList pods = json.convertValue(objects.get("pods"), PodList.class);
      ServiceList services = json.convertValue(objects.get("services"), ServiceList.class);
      for (Pod pod : pods.getItems()) {
        json.unmarshal(json.asJson(pod), Pod.class);
      }
      for (Service service : services.getItems()) {
        json.unmarshal(json.asJson(service), Service.class);
      }
      json.asJson(pods);
      return !pods.getItems().isEmpty() && !services.getItems().isEmpty();
    } catch (RuntimeException e) {
      logger.debug("Warming up the client's JSON mapping failed", e);
      return false;
    }
  }

  private static String read() {
    try (InputStream in = ClientWarmup.class.getResourceAsStream(OBJECTS)) {
      if (in == null) {
        throw new IllegalStateException(OBJECTS + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
