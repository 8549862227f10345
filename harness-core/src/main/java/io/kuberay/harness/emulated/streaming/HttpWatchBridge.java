package io.kuberay.harness.emulated.streaming;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a plain HTTP watch ({@code GET ...?watch=true}, a chunked stream of JSON watch events, as kubectl
 * and client-go reflectors use) from the mock server's WebSocket watch, the only kind fabric8's CRUD mode
 * offers: the same request goes upstream as a WebSocket upgrade and every event message becomes one chunk.
 */
final class HttpWatchBridge {

  private static final Logger LOG = LoggerFactory.getLogger(HttpWatchBridge.class);

  private final InetSocketAddress upstream;
  private final Socket client;
  private final InputStream clientIn;
  private final byte[] head;

  HttpWatchBridge(InetSocketAddress upstream, Socket client, InputStream clientIn, byte[] head) {
    this.upstream = upstream;
    this.client = client;
    this.clientIn = clientIn;
    this.head = head;
  }

  void run() throws IOException {
    StreamingFront.Request request = StreamingFront.Request.parse(head);
    try (Socket up = new Socket()) {
      up.connect(upstream, 10_000);
      up.setTcpNoDelay(true);
      OutputStream upOut = up.getOutputStream();
      String target = request.path() + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery());
      byte[] key = new byte[16];
      ThreadLocalRandom.current().nextBytes(key);
      upOut.write(("GET " + target + " HTTP/1.1\r\nHost: " + upstream.getHostString() + ":" + upstream.getPort() + "\r\n"
              + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
              + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      upOut.flush();
      BufferedInputStream upIn = new BufferedInputStream(up.getInputStream());
      byte[] answer = StreamingFront.readHead(upIn);
      OutputStream toClient = client.getOutputStream();
      if (answer == null || !new String(answer, 0, Math.min(answer.length, 16), StandardCharsets.ISO_8859_1).contains(" 101")) {
        // Refused (404, 400...): hand the upstream's answer to the client as it is.
        if (answer != null) {
          toClient.write(StreamingFront.withConnectionClose(answer));
          upIn.transferTo(toClient);
        }
        toClient.flush();
        return;
      }
      toClient.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      toClient.flush();
      Thread watcher = new Thread(() -> closeWhenClientLeaves(up), "emulated-api-watch-" + client.getPort());
      watcher.setDaemon(true);
      watcher.start();
      relayEvents(upIn, upOut, toClient);
    }
  }

  private void relayEvents(InputStream upIn, OutputStream upOut, OutputStream toClient) throws IOException {
    try {
      while (true) {
        WebSocketFrames.Frame frame = WebSocketFrames.read(upIn);
        switch (frame.opcode()) {
          case WebSocketFrames.TEXT, WebSocketFrames.BINARY, WebSocketFrames.CONTINUATION -> {
            if (frame.payload().length > 0) {
              writeChunk(toClient, frame.payload(), !frame.fin());
            }
            if (frame.fin()) {
              writeChunk(toClient, new byte[] {'\n'}, false);
            }
          }
          case WebSocketFrames.PING -> {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            upOut.write(WebSocketFrames.encode(WebSocketFrames.PONG, frame.payload(), true, mask));
            upOut.flush();
          }
          case WebSocketFrames.CLOSE -> {
            toClient.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            toClient.flush();
            return;
          }
          default -> {
            // pong: nothing to do
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("watch ended", e);
    }
  }

  private static void writeChunk(OutputStream out, byte[] data, boolean more) throws IOException {
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    if (!more) {
      out.flush();
    }
  }

  /** The client sends nothing during a watch; its EOF (or reset) ends the upstream watch. */
  private void closeWhenClientLeaves(Socket up) {
    try {
      while (clientIn.read() >= 0) {
        // ignore
      }
    } catch (IOException ignored) {
      // gone
    }
    try {
      up.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
