package io.kuberay.harness.emulated.streaming;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The server end of an upgraded WebSocket connection: reads whole data messages (answering pings and the
 * close handshake on the way), writes binary messages from any thread, and closes with a status code.
 */
final class WebSocketConnection implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private volatile boolean closeSent;
  private volatile boolean closeReceived;

  WebSocketConnection(Socket socket, InputStream in, OutputStream out) {
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  /** Writes the 101 answer that completes the handshake. */
  static void accept(OutputStream out, String clientKey, String subprotocol) throws IOException {
    StringBuilder head = new StringBuilder()
        .append("HTTP/1.1 101 Switching Protocols\r\n")
        .append("Upgrade: websocket\r\n")
        .append("Connection: Upgrade\r\n")
        .append("Sec-WebSocket-Accept: ").append(WebSocketFrames.acceptKey(clientKey)).append("\r\n");
    if (subprotocol != null) {
      head.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /**
   * The next text or binary message, fragments joined; null once the peer closed (the close is answered)
   * or the connection ended.
   */
  byte[] readMessage() throws IOException {
    ByteArrayOutputStream message = null;
    while (true) {
      WebSocketFrames.Frame frame;
      try {
        frame = WebSocketFrames.read(in);
      } catch (EOFException e) {
        return null;
      }
      switch (frame.opcode()) {
        case WebSocketFrames.PING:
          write(WebSocketFrames.encode(WebSocketFrames.PONG, frame.payload(), true));
          continue;
        case WebSocketFrames.PONG:
          continue;
        case WebSocketFrames.CLOSE:
          closeReceived = true;
          if (!closeSent) {
            int code = frame.payload().length >= 2 ? ((frame.payload()[0] & 0xFF) << 8) | (frame.payload()[1] & 0xFF) : WebSocketFrames.NORMAL_CLOSURE;
            sendClose(code, "");
          }
          return null;
        case WebSocketFrames.TEXT:
        case WebSocketFrames.BINARY:
          if (frame.fin()) {
            return frame.payload();
          }
          message = new ByteArrayOutputStream();
          message.write(frame.payload());
          continue;
        case WebSocketFrames.CONTINUATION:
          if (message == null) {
            throw new IOException("WebSocket continuation frame without a message");
          }
          message.write(frame.payload());
          if (frame.fin()) {
            return message.toByteArray();
          }
          continue;
        default:
          throw new IOException("unknown WebSocket opcode " + frame.opcode());
      }
    }
  }

  void sendBinary(byte[] payload) throws IOException {
    write(WebSocketFrames.encode(WebSocketFrames.BINARY, payload, true));
  }

  /** Sends the close frame once; the socket stays open for the peer's answer. */
  void sendClose(int code, String reason) throws IOException {
    synchronized (this) {
      if (closeSent) {
        return;
      }
      closeSent = true;
      out.write(WebSocketFrames.encode(WebSocketFrames.CLOSE, WebSocketFrames.closePayload(code, reason), true));
      out.flush();
    }
  }

  boolean closeReceived() {
    return closeReceived;
  }

  private synchronized void write(byte[] frame) throws IOException {
    if (closeSent) {
      throw new IOException("WebSocket already closed");
    }
    out.write(frame);
    out.flush();
  }

  /**
   * The binary messages as one byte stream — how SPDY is tunneled through a WebSocket, where frames of the
   * inner protocol may span messages.
   */
  InputStream messageStream() {
    return new InputStream() {
      private ByteBuffer current = ByteBuffer.allocate(0);
      private boolean ended;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        while (!current.hasRemaining()) {
          if (ended) {
            return -1;
          }
          byte[] next = readMessage();
          if (next == null) {
            ended = true;
            return -1;
          }
          current = ByteBuffer.wrap(next);
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
      }
    };
  }

  @Override
  public void close() {
    try {
      sendClose(WebSocketFrames.NORMAL_CLOSURE, "");
    } catch (IOException ignored) {
      // the peer is gone already
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
