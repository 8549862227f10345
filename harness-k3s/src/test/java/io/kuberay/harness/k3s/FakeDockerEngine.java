package io.kuberay.harness.k3s;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLDecoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Docker engine on a Unix socket that answers {@code GET}s from a table of paths (query decoded),
 * 404 otherwise, and closes each connection after its answer as an HTTP/1.0 server does.
 */
final class FakeDockerEngine implements AutoCloseable {

  private final ServerSocketChannel server;
  private final Map<String, byte[]> answers = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Thread thread;
  final Path socket;

  FakeDockerEngine(Path dir) throws IOException {
    socket = dir.resolve("docker.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    thread = new Thread(this::serve, "fake-docker");
    thread.setDaemon(true);
    thread.start();
  }

  FakeDockerEngine answer(String pathAndQuery, String json) {
    answers.put(pathAndQuery, json.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  FakeDockerEngine answer(String pathAndQuery, byte[] body) {
    answers.put(pathAndQuery, body);
    return this;
  }

  /**
   * Answers {@code pathAndQuery} with {@code status} (e.g. "500 Internal Server Error") and a body.
   */
  FakeDockerEngine fail(String pathAndQuery, String status, String body) {
    failures.put(pathAndQuery, status);
    answers.put(pathAndQuery, body.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** The paths asked for, query decoded. */
  List<String> requests() {
    return requests;
  }

  String host() {
    return "unix://" + socket;
  }

  private void serve() {
    while (server.isOpen()) {
      try (SocketChannel client = server.accept()) {
        String request = readHeader(client);
        String target = request.split(" ")[1];
        String decoded = URLDecoder.decode(target, StandardCharsets.UTF_8);
        requests.add(decoded);
        byte[] body = answers.get(decoded);
        String status = body == null ? "404 Not Found" : failures.getOrDefault(decoded, "200 OK");
        String head = "HTTP/1.0 " + status + "\r\nContent-Type: application/json\r\n\r\n";
        client.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer out =
            ByteBuffer.wrap(
                body == null
                    ? "{\"message\":\"No such object\"}".getBytes(StandardCharsets.UTF_8)
                    : body);
        while (out.hasRemaining()) {
          client.write(out);
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private static String readHeader(SocketChannel client) throws IOException {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!in.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      one.clear();
      if (client.read(one) < 0) {
        break;
      }
      in.write(one.array(), 0, 1);
    }
    return in.toString(StandardCharsets.US_ASCII);
  }

  /** A tar stream holding one regular file. */
  static byte[] tar(String name, byte[] content) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 124, String.format("%011o", content.length));
    header[156] = '0';
    put(header, 257, "ustar");
    int padded = (content.length + 511) / 512 * 512;
    byte[] tar = new byte[512 + padded + 1024];
    System.arraycopy(header, 0, tar, 0, 512);
    System.arraycopy(content, 0, tar, 512, content.length);
    return tar;
  }

  private static void put(byte[] header, int offset, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
