package io.kuberay.harness.realcluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.backend.PodChannels;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Exec, logs and port-forwards for pods of a real cluster, all through the Kubernetes API (no
 * kubectl). Owns the port-forwards it opens; {@link #close()} stops them.
 */
public final class PodAccess implements PodChannels, AutoCloseable {

  private final KubernetesClient client;
  private final Map<String, ReconnectingPortForward> forwards = new ConcurrentHashMap<>();

  public PodAccess(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * Runs {@code command} in the container; the exit code comes from the API's error channel, and a
   * non-zero one is a result.
   *
   * @throws IllegalStateException when the command does not finish within {@code timeout}
   */
  @Override
  public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long start = System.nanoTime();
    String where =
        pod.getMetadata().getNamespace()
            + "/"
            + pod.getMetadata().getName()
            + " container "
            + container;
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .inContainer(container)
            .writingOutput(out)
            .writingError(err)
            .exec(command.toArray(String[]::new))) {
      Integer code = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new ExecResult(
          text(out),
          text(err),
          code == null ? -1 : code,
          Duration.ofNanos(System.nanoTime() - start));
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Command "
              + command
              + " in "
              + where
              + " did not finish within "
              + timeout
              + ". Output so far: "
              + text(out)
              + text(err),
          e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Cannot exec " + command + " in " + where + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command + " in " + where, e);
    }
  }

  private static String text(ByteArrayOutputStream s) {
    synchronized (s) {
      return s.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public String logs(Pod pod, String container) {
    return client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .inContainer(container)
        .getLog();
  }

  /**
   * A loopback address forwarding to the pod's port. The address stays the same for the life of
   * this object; each connection goes to the pod anew, and when the pod has been replaced (a
   * restarted Ray head gets a new name) to the pod that took its place.
   */
  @Override
  public URI reach(Pod pod, int containerPort) {
    String key =
        pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + ":" + containerPort;
    ReconnectingPortForward forward =
        forwards.compute(
            key,
            (k, existing) ->
                existing != null && existing.isOpen()
                    ? existing
                    : new ReconnectingPortForward(client, pod, containerPort).start());
    return URI.create("http://127.0.0.1:" + forward.localPort());
  }

  @Override
  public void close() {
    forwards.values().forEach(ReconnectingPortForward::close);
    forwards.clear();
  }
}
