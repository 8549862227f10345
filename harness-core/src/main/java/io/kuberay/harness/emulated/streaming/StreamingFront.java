package io.kuberay.harness.emulated.streaming;

import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.support.QueryString;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulated API server's front door for clients such as kubectl: a loopback TCP listener that serves the
 * streaming upgrades of {@code pods/exec} and {@code pods/portforward} itself and relays every other
 * connection, byte for byte, to the mock API server behind it.
 *
 * <p>Why a front: fabric8's mock server (Vert.x) only negotiates the WebSocket subprotocols
 * {@code v1..v4.channel.k8s.io}, while kubectl 1.30+ asks for {@code v5.channel.k8s.io} for exec and, from
 * 1.31, {@code SPDY/3.1+portforward.k8s.io} (SPDY tunneled in a WebSocket) for port-forward; the legacy path
 * is an HTTP upgrade to raw SPDY/3.1, which a dispatcher cannot take over either. Go clients open a fresh
 * connection for every upgrade, so deciding per connection, on its first request, is enough.
 *
 * <p>Served here: exec over WebSocket {@code v5}/{@code v4.channel.k8s.io}; port-forward over WebSocket
 * {@code SPDY/3.1+portforward.k8s.io} (kubectl's default) and over a raw {@code SPDY/3.1} upgrade with
 * {@code X-Stream-Protocol-Version: portforward.k8s.io} (kubectl with
 * {@code KUBECTL_PORT_FORWARD_WEBSOCKETS=false}).
 */
public final class StreamingFront implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamingFront.class);
  private static final Pattern STREAM_PATH = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/(exec|attach|portforward)/?$");
  private static final Pattern LOG_PATH = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/log/?$");
  static final String PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
  static final String TUNNELED_PORT_FORWARD = "SPDY/3.1+" + PORT_FORWARD_PROTOCOL;
  private static final int MAX_HEAD = 64 * 1024;

  /** The HTTP API server behind the front, started by the first connection that needs it. */
  private final java.util.function.Supplier<InetSocketAddress> upstream;
  private final PodStreams pods;
  private final Duration execTimeout;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private StreamingFront(java.util.function.Supplier<InetSocketAddress> upstream, PodStreams pods, Duration execTimeout) throws IOException {
    this.upstream = upstream;
    this.pods = pods;
    this.execTimeout = execTimeout;
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
  }

  /** Listens on a free loopback port and relays to {@code upstream}. */
  public static StreamingFront start(java.util.function.Supplier<InetSocketAddress> upstream, PodStreams pods, Duration execTimeout) {
    try {
      StreamingFront front = new StreamingFront(upstream, pods, execTimeout);
      Thread acceptor = new Thread(front::acceptLoop, "emulated-api-front");
      acceptor.setDaemon(true);
      acceptor.start();
      return front;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot listen on a loopback port for the emulated API server", e);
    }
  }

  public String url() {
    return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread t = new Thread(() -> serve(client), "emulated-api-conn-" + client.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("emulated API front stopped accepting", e);
        }
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      client.setTcpNoDelay(true);
      BufferedInputStream in = new BufferedInputStream(client.getInputStream());
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      Request request = Request.parse(head);
      Optional<Matcher> streaming = request.streamingTarget();
      if (streaming.isPresent() && request.isUpgrade()) {
        upgrade(client, in, request, streaming.get());
      } else if (!request.isUpgrade() && "GET".equals(request.method()) && request.logTarget().isPresent()) {
        Matcher m = request.logTarget().get();
        new LogStream(pods, client, in, m.group(1), m.group(2), request.query()).run();
      } else if (!request.isUpgrade() && "GET".equals(request.method()) && request.isWatch()) {
        new HttpWatchBridge(upstream.get(), client, in, head).run();
      } else {
        relay(client, in, request.isUpgrade() ? head : oneRequest(head));
      }
    } catch (IOException e) {
      LOG.debug("emulated API connection ended", e);
    } finally {
      closeQuietly(client);
      open.remove(client);
    }
  }

  /** The request line and headers, through the blank line; null when the client sent nothing. */
  static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      state = switch (state) {
        case 0 -> b == '\r' ? 1 : 0;
        case 1 -> b == '\n' ? 2 : b == '\r' ? 1 : 0;
        case 2 -> b == '\r' ? 3 : 0;
        case 3 -> b == '\n' ? 4 : b == '\r' ? 1 : 0;
        default -> 0;
      };
      if (state == 4) {
        return head.toByteArray();
      }
      if (head.size() > MAX_HEAD) {
        throw new IOException("request head too large");
      }
    }
    if (head.size() == 0) {
      return null;
    }
    throw new IOException("connection closed inside a request head");
  }

  // ---- relay --------------------------------------------------------------------------------------

  /**
   * The request head with {@code Connection: close}: one request per relayed connection, so that every
   * request's first line passes through here (kubectl's HTTP watch arrives on a pooled connection otherwise).
   */
  static byte[] oneRequest(byte[] head) {
    return withConnectionClose(head);
  }

  /** A request or response head with its Connection and Keep-Alive headers replaced by {@code Connection: close}. */
  static byte[] withConnectionClose(byte[] head) {
    String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
    StringBuilder out = new StringBuilder(lines[0]).append("\r\n");
    for (int i = 1; i < lines.length; i++) {
      String lower = lines[i].toLowerCase(Locale.ROOT);
      if (lines[i].isEmpty() || lower.startsWith("connection:") || lower.startsWith("keep-alive:") || lower.startsWith("proxy-connection:")) {
        continue;
      }
      out.append(lines[i]).append("\r\n");
    }
    out.append("Connection: close\r\n\r\n");
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private void relay(Socket client, InputStream in, byte[] head) throws IOException {
    try (Socket up = new Socket()) {
      open.add(up);
      up.connect(upstream.get(), 10_000);
      up.setTcpNoDelay(true);
      OutputStream upOut = up.getOutputStream();
      upOut.write(head);
      upOut.flush();
      Thread back = new Thread(() -> relayResponse(up, client), "emulated-api-relay-" + client.getPort());
      back.setDaemon(true);
      back.start();
      pump(in, upOut, up);
      try {
        back.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      open.removeIf(Socket::isClosed);
    }
  }

  /** The upstream's answer, its head marked {@code Connection: close} (unless it switches protocols), then the rest. */
  private static void relayResponse(Socket up, Socket client) {
    try {
      BufferedInputStream fromUp = new BufferedInputStream(up.getInputStream());
      OutputStream toClient = client.getOutputStream();
      byte[] head = readHead(fromUp);
      if (head == null) {
        client.shutdownOutput();
        return;
      }
      boolean switching = new String(head, 0, Math.min(head.length, 16), StandardCharsets.ISO_8859_1).contains(" 101");
      toClient.write(switching ? head : withConnectionClose(head));
      toClient.flush();
      pump(fromUp, toClient, client);
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  private static void pump(Socket from, Socket to) {
    try {
      pump(from.getInputStream(), to.getOutputStream(), to);
    } catch (IOException e) {
      closeQuietly(to);
    }
  }

  /** Copies until EOF, then half-closes the destination so the other direction can finish. */
  private static void pump(InputStream from, OutputStream to, Socket toSocket) {
    byte[] buf = new byte[16 * 1024];
    try {
      int n;
      while ((n = from.read(buf)) >= 0) {
        to.write(buf, 0, n);
        to.flush();
      }
      if (!toSocket.isClosed()) {
        toSocket.shutdownOutput();
      }
    } catch (IOException e) {
      closeQuietly(toSocket);
    }
  }

  // ---- upgrades -----------------------------------------------------------------------------------

  private void upgrade(Socket client, InputStream in, Request request, Matcher target) throws IOException {
    OutputStream out = new BufferedOutputStream(client.getOutputStream());
    String namespace = target.group(1);
    String name = target.group(2);
    String subresource = target.group(3);
    Optional<Pod> pod = pods.pod(namespace, name);
    if (pod.isEmpty()) {
      reject(out, 404, "NotFound", "pods \"" + name + "\" not found");
      return;
    }
    boolean websocket = "websocket".equalsIgnoreCase(request.header("upgrade"));
    if ("exec".equals(subresource) && websocket) {
      String protocol = ChannelProtocol.negotiate(request.protocols());
      if (protocol == null) {
        reject(out, 400, "BadRequest", "exec needs one of the WebSocket subprotocols " + ChannelProtocol.SUPPORTED + "; offered: " + request.protocols());
        return;
      }
      WebSocketConnection.accept(out, request.header("sec-websocket-key"), protocol);
      WebSocketConnection ws = new WebSocketConnection(client, in, out);
      new ExecSession(ws, pods, pod.get(), ExecSession.ExecRequest.from(request.query()), execTimeout).run();
      return;
    }
    if ("portforward".equals(subresource) && websocket) {
      if (!request.protocols().contains(TUNNELED_PORT_FORWARD)) {
        reject(out, 400, "BadRequest", "port-forward needs the WebSocket subprotocol " + TUNNELED_PORT_FORWARD + "; offered: " + request.protocols());
        return;
      }
      WebSocketConnection.accept(out, request.header("sec-websocket-key"), TUNNELED_PORT_FORWARD);
      WebSocketConnection ws = new WebSocketConnection(client, in, out);
      try {
        new PortForwardSession(ws.messageStream(), ws::sendBinary, pods, pod.get()).run();
      } finally {
        ws.close();
      }
      return;
    }
    if ("portforward".equals(subresource) && "SPDY/3.1".equalsIgnoreCase(request.header("upgrade"))) {
      if (!request.headerValues("x-stream-protocol-version").contains(PORT_FORWARD_PROTOCOL)) {
        reject(out, 403, "Forbidden", "port-forward needs X-Stream-Protocol-Version " + PORT_FORWARD_PROTOCOL);
        return;
      }
      out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
              + "X-Stream-Protocol-Version: " + PORT_FORWARD_PROTOCOL + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      new PortForwardSession(in, frame -> {
        synchronized (out) {
          out.write(frame);
          out.flush();
        }
      }, pods, pod.get()).run();
      return;
    }
    reject(out, 400, "BadRequest",
        "the emulated API server serves pods/exec over WebSocket (" + String.join(", ", ChannelProtocol.SUPPORTED) + ") and pods/portforward over WebSocket ("
            + TUNNELED_PORT_FORWARD + ") or SPDY/3.1; pods/" + subresource + " with Upgrade: " + request.header("upgrade") + " is not emulated");
  }

  /** An upgrade refused with a Kubernetes Status body, which kubectl prints. */
  static void reject(OutputStream out, int code, String reason, String message) throws IOException {
    String body = ApiErrors.status(code, reason, message).getBody().readUtf8();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open.toArray(new Socket[0])) {
      closeQuietly(s);
    }
    open.clear();
  }

  /** The parts of an HTTP/1.1 request head the front looks at. */
  record Request(String method, String path, String rawQuery, Map<String, List<String>> headers) {

    static Request parse(byte[] head) throws IOException {
      String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
      String[] requestLine = lines[0].split(" ");
      if (requestLine.length < 3) {
        throw new IOException("malformed request line: " + lines[0]);
      }
      String target = requestLine[1];
      int q = target.indexOf('?');
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
        }
      }
      return new Request(requestLine[0], q < 0 ? target : target.substring(0, q), q < 0 ? "" : target.substring(q + 1), headers);
    }

    String header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** All values of a header, comma-separated lists split. */
    List<String> headerValues(String name) {
      List<String> out = new ArrayList<>();
      for (String v : headers.getOrDefault(name, List.of())) {
        Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
      }
      return out;
    }

    List<String> protocols() {
      return headerValues("sec-websocket-protocol");
    }

    boolean isWatch() {
      QueryString q = query();
      String w = q.first("watch");
      return w != null && (w.equals("true") || w.equals("1"));
    }

    boolean isUpgrade() {
      return header("upgrade") != null && headerValues("connection").stream().anyMatch(c -> c.equalsIgnoreCase("upgrade"));
    }

    /**
     * {@code pods/{name}/log}, served here rather than by the dispatcher: reading the pod from inside the
     * mock server's event loop would wait on that same loop.
     */
    Optional<Matcher> logTarget() {
      Matcher m = LOG_PATH.matcher(path);
      return m.matches() ? Optional.of(m) : Optional.empty();
    }

    Optional<Matcher> streamingTarget() {
      Matcher m = STREAM_PATH.matcher(path);
      return m.matches() ? Optional.of(m) : Optional.empty();
    }

    QueryString query() {
      return new QueryString(rawQuery);
    }
  }
}
