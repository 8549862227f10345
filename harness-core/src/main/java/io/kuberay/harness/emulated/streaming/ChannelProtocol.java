package io.kuberay.harness.emulated.streaming;

import io.kuberay.harness.emulated.support.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes remote-command channel protocol over WebSocket ({@code v4.channel.k8s.io}, {@code
 * v5.channel.k8s.io}): every binary message starts with one channel byte — 0 stdin, 1 stdout, 2
 * stderr, 3 error (a {@code Status} JSON that carries the exit code), 4 resize — and v5 adds
 * channel 255, whose one-byte payload names the channel the peer closed (kubectl sends it for
 * stdin).
 */
final class ChannelProtocol {

  static final String V5 = "v5.channel.k8s.io";
  static final String V4 = "v4.channel.k8s.io";

  /** In the order the emulator prefers them. */
  static final List<String> SUPPORTED = List.of(V5, V4);

  static final int STDIN = 0;
  static final int STDOUT = 1;
  static final int STDERR = 2;
  static final int ERROR = 3;
  static final int RESIZE = 4;
  static final int CLOSE = 255;

  /** Bytes of data per message; the client reads messages of any size, this keeps frames modest. */
  static final int CHUNK = 32 * 1024;

  private ChannelProtocol() {}

  /** One message: the channel byte, then the data. */
  static byte[] message(int channel, byte[] data, int offset, int length) {
    byte[] out = new byte[length + 1];
    out[0] = (byte) channel;
    System.arraycopy(data, offset, out, 1, length);
    return out;
  }

  static byte[] message(int channel, byte[] data) {
    return message(channel, data, 0, data.length);
  }

  /** A decoded message: its channel and data. */
  record Message(int channel, byte[] data) {}

  static Message decode(byte[] message) {
    if (message.length == 0) {
      throw new IllegalArgumentException("empty channel message");
    }
    byte[] data = new byte[message.length - 1];
    System.arraycopy(message, 1, data, 0, data.length);
    return new Message(message[0] & 0xFF, data);
  }

  /**
   * The protocol the server picks from the client's offer (its order of preference wins), or null.
   */
  static String negotiate(List<String> offered) {
    for (String mine : SUPPORTED) {
      if (offered.contains(mine)) {
        return mine;
      }
    }
    return null;
  }

  /** The error channel's document for a finished command, as the kubelet writes it. */
  static String status(int exitCode, List<String> command) {
    if (exitCode == 0) {
      return Json.SERDE.asJson(statusDocument("Success", null, null, null));
    }
    Map<String, Object> cause = new LinkedHashMap<>();
    cause.put("reason", "ExitCode");
    cause.put("message", Integer.toString(exitCode));
    String message =
        "command terminated with non-zero exit code: error executing command "
            + command
            + ", exit code "
            + exitCode;
    return Json.SERDE.asJson(statusDocument("Failure", message, "NonZeroExitCode", List.of(cause)));
  }

  /** The error channel's document when the command could not run at all. */
  static String failure(String message) {
    return Json.SERDE.asJson(
        statusDocument("Failure", message, "InternalError", List.of(Map.of("message", message))));
  }

  private static Map<String, Object> statusDocument(
      String status, String message, String reason, List<Map<String, Object>> causes) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "Status");
    doc.put("apiVersion", "v1");
    doc.put("metadata", Map.of());
    doc.put("status", status);
    if (message != null) {
      doc.put("message", message);
    }
    if (reason != null) {
      doc.put("reason", reason);
    }
    if (causes != null) {
      doc.put("details", Map.of("causes", causes));
    }
    if ("Failure".equals(status)) {
      doc.put("code", 500);
    }
    return doc;
  }
}
