package io.kuberay.harness.k3s;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The few read-only Docker engine calls a reuse hit needs, over the engine's Unix socket. In a
 * fresh JVM, Testcontainers' Docker client costs seconds of class loading before its first call;
 * these requests cost milliseconds. HTTP/1.0, so the engine answers with a plain body and closes.
 */
final class DockerEngineApi {

  /** In a holder: the ping uses {@link #exchange} and must not wait for the mapper's set-up. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private static final int MAX_RESPONSE = 16 * 1024 * 1024;

  private final Path socket;

  private DockerEngineApi(Path socket) {
    this.socket = socket;
  }

  /** A client for {@code host} when it is a {@code unix://} address. */
  static Optional<DockerEngineApi> forHost(String host) {
    URI uri = URI.create(host);
    return "unix".equals(uri.getScheme())
        ? Optional.of(new DockerEngineApi(Path.of(uri.getPath())))
        : Optional.empty();
  }

  /** {@code GET path} as JSON; empty when the engine answers 404. */
  Optional<JsonNode> json(String path) throws IOException {
    return bytes(path).map(DockerEngineApi::parse);
  }

  /** {@code GET path}'s body; empty when the engine answers 404. */
  Optional<byte[]> bytes(String path) throws IOException {
    byte[] response =
        exchange(
            socket,
            ("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    int end = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (end < 0) {
      throw new IOException("Docker answered GET " + path + " without a complete header");
    }
    String status =
        new String(response, 0, end, StandardCharsets.US_ASCII).lines().findFirst().get();
    byte[] body = Arrays.copyOfRange(response, end + 4, response.length);
    if (status.matches("HTTP/1\\.\\d 404 .*")) {
      return Optional.empty();
    }
    if (!status.matches("HTTP/1\\.\\d 2\\d\\d .*")) {
      throw new IOException(
          "Docker answered GET "
              + path
              + " with "
              + status
              + ": "
              + new String(body, StandardCharsets.UTF_8).trim());
    }
    return Optional.of(body);
  }

  /** A query parameter value, URL-encoded. */
  static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Writes {@code request} to the socket and reads the whole answer (the engine closes). */
  static byte[] exchange(Path socket, byte[] request) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer out = ByteBuffer.wrap(request);
      while (out.hasRemaining()) {
        channel.write(out);
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        answer.write(buffer.array(), 0, buffer.limit());
        buffer.clear();
        if (answer.size() > MAX_RESPONSE) {
          throw new IOException("Docker's answer exceeds " + MAX_RESPONSE + " bytes");
        }
      }
      return answer.toByteArray();
    }
  }

  private static JsonNode parse(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw new IllegalStateException("Docker answered with JSON it cannot parse", e);
    }
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
