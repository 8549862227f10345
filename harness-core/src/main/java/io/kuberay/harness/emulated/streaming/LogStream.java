package io.kuberay.harness.emulated.streaming;

import io.kuberay.harness.emulated.support.QueryString;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code GET pods/{name}/log}: the container's output with {@code tailLines} and {@code limitBytes}; with
 * {@code follow=true} a chunked stream that polls for new output until the client leaves or the pod is gone.
 */
final class LogStream {

  private static final long POLL_MILLIS = 1_000;

  private final PodStreams pods;
  private final Socket client;
  private final InputStream clientIn;
  private final String namespace;
  private final String name;
  private final QueryString query;

  LogStream(PodStreams pods, Socket client, InputStream clientIn, String namespace, String name, QueryString query) {
    this.pods = pods;
    this.client = client;
    this.clientIn = clientIn;
    this.namespace = namespace;
    this.name = name;
    this.query = query;
  }

  void run() throws IOException {
    OutputStream out = client.getOutputStream();
    Optional<Pod> pod = pods.pod(namespace, name);
    if (pod.isEmpty()) {
      StreamingFront.reject(out, 404, "NotFound", "pods \"" + name + "\" not found");
      return;
    }
    String container = query.first("container");
    String text;
    try {
      text = select(pods.logs(pod.get(), container), query);
    } catch (RuntimeException e) {
      StreamingFront.reject(out, 400, "BadRequest", e.getMessage());
      return;
    }
    if (!query.flag("follow")) {
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return;
    }
    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    client.setSoTimeout((int) POLL_MILLIS);
    int sent = pods.logs(pod.get(), container).length();
    chunk(out, text);
    while (true) {
      if (clientLeft()) {
        return;
      }
      Optional<Pod> now = pods.pod(namespace, name);
      if (now.isEmpty()) {
        break;
      }
      String all = pods.logs(now.get(), container);
      if (all.length() > sent) {
        chunk(out, all.substring(sent));
        sent = all.length();
      }
    }
    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Waits up to one poll period for the client; true once it closed its side. */
  private boolean clientLeft() throws IOException {
    try {
      return clientIn.read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    }
  }

  private static void chunk(OutputStream out, String text) throws IOException {
    if (text.isEmpty()) {
      return;
    }
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** {@code tailLines} then {@code limitBytes}, as the kubelet applies them. */
  static String select(String text, QueryString query) {
    String tail = query.first("tailLines");
    if (tail != null) {
      int n = Integer.parseInt(tail);
      String[] lines = text.split("(?<=\n)");
      StringBuilder kept = new StringBuilder();
      for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
        kept.append(lines[i]);
      }
      text = n <= 0 ? "" : kept.toString();
    }
    String limit = query.first("limitBytes");
    if (limit != null) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      int n = (int) Math.min(bytes.length, Long.parseLong(limit));
      text = new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
    return text;
  }
}
