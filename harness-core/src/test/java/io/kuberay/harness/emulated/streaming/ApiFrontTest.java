package io.kuberay.harness.emulated.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.emulated.api.ApiDispatcher;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.ServiceAccountTokens;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The HTTPS front as a client sees it: TLS that only the environment's CA vouches for, the bearer
 * token on every request (401 and no effect without it), REST, HTTP and WebSocket watches, logs,
 * exec over the channel protocol, and port-forward over SPDY both tunneled in a WebSocket and on a
 * raw upgrade.
 */
class ApiFrontTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String POD = "/api/v1/namespaces/default/pods/p";

  private final ApiDispatcher dispatcher = new ApiDispatcher(new ObjectStore(), "v1.31.0");
  private final FakePods pods = new FakePods();
  private final ServiceAccountTokens serviceAccounts = dispatcher.serviceAccountTokens();
  private ApiFront front;
  private SSLContext trustingTheCa;
  private HttpClient http;
  private ServerSocket echo;

  @BeforeEach
  void start() throws Exception {
    dispatcher.create(
        "/api/v1/namespaces",
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "default")));
    front = ApiFront.start(dispatcher, pods, 0);
    trustingTheCa = trusting(front.credentials().certificates());
    http = HttpClient.newBuilder().sslContext(trustingTheCa).connectTimeout(WAIT).build();
    echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread echoer = new Thread(this::echo, "api-front-test-echo");
    echoer.setDaemon(true);
    echoer.start();
  }

  @AfterEach
  void stop() throws IOException {
    front.close();
    echo.close();
  }

  // ---- TLS and credentials
  // ---------------------------------------------------------------------------

  @Test
  void tlsIsVerifiedAgainstTheEnvironmentsCaOnly() throws Exception {
    assertThat(get("/api/v1/namespaces", token()).statusCode()).isEqualTo(200);
    HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(WAIT).build();
    assertThatThrownBy(
            () ->
                defaultTrust.send(
                    request("/api/v1/namespaces", token()).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
    HttpClient otherCa =
        HttpClient.newBuilder()
            .sslContext(trusting(ApiCertificates.generate()))
            .connectTimeout(WAIT)
            .build();
    assertThatThrownBy(
            () ->
                otherCa.send(
                    request("/api/v1/namespaces", token()).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void requestsWithoutTheTokenGetKubeApiserversUnauthorizedStatus() throws Exception {
    for (Optional<String> bad :
        List.of(Optional.<String>empty(), Optional.of("wrong"), Optional.of(token() + "x"))) {
      HttpResponse<String> response = get("/api/v1/namespaces", bad);
      assertThat(response.statusCode()).as("token %s", bad).isEqualTo(401);
      assertThat(JsonText.readObject(response.body()))
          .containsEntry("kind", "Status")
          .containsEntry("status", "Failure")
          .containsEntry("reason", "Unauthorized")
          .containsEntry("message", "Unauthorized")
          .containsEntry("code", 401);
    }
    assertThat(get("/version", Optional.of("wrong")).statusCode()).isEqualTo(401);
  }

  @Test
  void aServiceAccountsTokenIsAcceptedOnceIssuedAndOnlyExactly() throws Exception {
    dispatcher.create(
        "/api/v1/namespaces/default/serviceaccounts",
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "ServiceAccount",
            "metadata",
            Map.of("name", "autoscaler")));
    String token = serviceAccounts.issue("default", "autoscaler");
    assertThat(serviceAccounts.issue("default", "autoscaler"))
        .as("one token per service account")
        .isEqualTo(token);
    assertThat(serviceAccounts.issue("other", "autoscaler")).isNotEqualTo(token);
    // Authenticated, then refused: no role grants this account anything (RBAC).
    assertThat(get("/api/v1/namespaces", Optional.of(token)).statusCode()).isEqualTo(403);
    assertThat(get("/api/v1/namespaces", Optional.of(token + "x")).statusCode()).isEqualTo(401);
    String elsewhere = new ServiceAccountTokens().issue("default", "autoscaler");
    assertThat(get("/api/v1/namespaces", Optional.of(elsewhere)).statusCode())
        .as("a well-formed token another environment signed")
        .isEqualTo(401);
  }

  @Test
  void deleteWithAWrongTokenChangesNothing() throws Exception {
    dispatcher.create(
        "/api/v1/namespaces",
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "keep")));
    for (Optional<String> bad : List.of(Optional.<String>empty(), Optional.of("wrong"))) {
      HttpResponse<String> denied =
          http.send(
              request("/api/v1/namespaces/keep", bad).DELETE().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(denied.statusCode()).isEqualTo(401);
    }
    assertThat(dispatcher.store().get(ResourceRef.NAMESPACES, null, "keep")).isPresent();
    HttpResponse<String> deleted =
        http.send(
            request("/api/v1/namespaces/keep", token()).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isEqualTo(200);
    // Terminating first, then gone once the namespace controller has emptied it.
    assertThat(deleted.body()).contains("\"phase\":\"Terminating\"");
    Awaitility.await("namespace keep removed after its deletion")
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(dispatcher.store().get(ResourceRef.NAMESPACES, null, "keep")).isEmpty());
  }

  @Test
  void theKubeconfigCarriesTheCaAndTokenAndFabric8WatchesThroughIt() throws Exception {
    String kubeconfig = front.credentials().kubeconfig(front.url());
    assertThat(kubeconfig)
        .contains("server: https://127.0.0.1:" + front.port())
        .contains("token: " + front.credentials().token());
    String caData =
        kubeconfig
            .lines()
            .filter(l -> l.contains("certificate-authority-data:"))
            .findFirst()
            .orElseThrow()
            .split(": ")[1];
    assertThat(new String(Base64.getDecoder().decode(caData), StandardCharsets.US_ASCII))
        .isEqualTo(front.credentials().certificates().caPem());

    List<String> seen = new CopyOnWriteArrayList<>();
    try (KubernetesClient client =
            new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
        Watch watch =
            client
                .namespaces()
                .watch(
                    new Watcher<Namespace>() {
                      @Override
                      public void eventReceived(Action action, Namespace ns) {
                        seen.add(action + " " + ns.getMetadata().getName());
                      }

                      @Override
                      public void onClose(WatcherException cause) {}
                    })) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("from-fabric8")
                  .endMetadata()
                  .build())
          .create();
      Awaitility.await(
              "a watch event for the namespace from-fabric8 over the front's WebSocket; seen "
                  + seen)
          .atMost(WAIT)
          .until(() -> seen.contains("ADDED from-fabric8"));
      assertThat(client.namespaces().list().getItems())
          .extracting(n -> n.getMetadata().getName())
          .contains("default", "from-fabric8");
    }
  }

  // ---- watches and logs
  // ------------------------------------------------------------------------------

  @Test
  void anHttpWatchStreamsStoreEventsAsChunkedJsonLines() throws Exception {
    assertThat(get("/api/v1/namespaces?watch=true", Optional.of("wrong")).statusCode())
        .isEqualTo(401);
    HttpResponse<Stream<String>> watch =
        http.sendAsync(
                request("/api/v1/namespaces?watch=true", token()).build(),
                HttpResponse.BodyHandlers.ofLines())
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(watch.statusCode()).isEqualTo(200);
    assertThat(watch.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    CompletableFuture<String> added =
        CompletableFuture.supplyAsync(
            () -> watch.body().filter(l -> l.contains("\"watched\"")).findFirst().orElse(""));
    dispatcher.create(
        "/api/v1/namespaces",
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "watched")));
    Map<String, Object> event = JsonText.readObject(added.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(event).containsEntry("type", "ADDED");
    watch.body().close();
  }

  @Test
  void logsNeedTheTokenAndHonourTailLines() throws Exception {
    assertThat(get(POD + "/log", Optional.empty()).statusCode()).isEqualTo(401);
    HttpResponse<String> tail = get(POD + "/log?tailLines=1", token());
    assertThat(tail.statusCode()).isEqualTo(200);
    assertThat(tail.body()).isEqualTo("line2\n");
    assertThat(get("/api/v1/namespaces/default/pods/missing/log", token()).statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("pods/log reads the container the request names, as the API server chooses it")
  void logsOfAContainer() throws Exception {
    String two = "/api/v1/namespaces/default/pods/two/log";
    HttpResponse<String> sidecar = get(two + "?container=sidecar", token());
    assertThat(sidecar.statusCode()).isEqualTo(200);
    assertThat(sidecar.body()).isEqualTo("sidecar says hi\n");

    HttpResponse<String> unnamed = get(two, token());
    assertThat(unnamed.statusCode()).isEqualTo(400);
    assertThat(unnamed.body())
        .contains("a container name must be specified for pod two, choose one of: [main sidecar]");

    HttpResponse<String> unknown = get(two + "?container=ray-job-submitter", token());
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("container ray-job-submitter is not valid for pod two");

    HttpResponse<String> previous = get(two + "?container=main&previous=true", token());
    assertThat(previous.statusCode()).isEqualTo(400);
    assertThat(previous.body())
        .contains("previous terminated container \\\"main\\\" in pod \\\"two\\\" not found");
  }

  // ---- exec
  // ------------------------------------------------------------------------------------------

  @Test
  void execOverTheV5ChannelProtocolRunsTheCommandAndReportsItsStatus() throws Exception {
    Channels channels = new Channels();
    WebSocket ws =
        http.newWebSocketBuilder()
            .header("Authorization", "Bearer " + front.credentials().token())
            .subprotocols("v5.channel.k8s.io", "v4.channel.k8s.io")
            .buildAsync(
                wss(
                    POD
                        + "/exec?command=sh&command=-c&command=echo+out%3B+echo+warn+%3E%262"
                        + "&stdout=true&stderr=true"),
                channels)
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(ws.getSubprotocol()).isEqualTo("v5.channel.k8s.io");
    channels.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(channels.text(ChannelProtocol.STDOUT)).isEqualTo("out\n");
    assertThat(channels.text(ChannelProtocol.STDERR)).isEqualTo("warn\n");
    assertThat(JsonText.readObject(channels.text(ChannelProtocol.ERROR)))
        .containsEntry("status", "Success");
    assertThat(pods.execs.get()).isEqualTo(1);
  }

  /**
   * kubectl exec -i over v5: stdin messages reach the command byte for byte, the close message for
   * stdin is its end of file, and the exit code comes back on the error channel.
   */
  @Test
  void execWithStdinPipesTheClientsBytesUntilTheCloseMessage() throws Exception {
    Channels channels = new Channels();
    WebSocket ws =
        http.newWebSocketBuilder()
            .header("Authorization", "Bearer " + front.credentials().token())
            .subprotocols("v5.channel.k8s.io")
            .buildAsync(
                wss(
                    POD
                        + "/exec?command=sh&command=-c&command=cat%3B+exit+3"
                        + "&stdin=true&stdout=true&stderr=true"),
                channels)
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    byte[] payload = new byte[70_000];
    new Random(7).nextBytes(payload);
    for (int off = 0; off < payload.length; off += 30_000) {
      int n = Math.min(30_000, payload.length - off);
      byte[] message = new byte[n + 1];
      message[0] = ChannelProtocol.STDIN;
      System.arraycopy(payload, off, message, 1, n);
      ws.sendBinary(ByteBuffer.wrap(message), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    ws.sendBinary(ByteBuffer.wrap(new byte[] {(byte) ChannelProtocol.CLOSE, 0}), true)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    channels.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(channels.bytes(ChannelProtocol.STDOUT)).isEqualTo(payload);
    assertThat(JsonText.readObject(channels.text(ChannelProtocol.ERROR)))
        .containsEntry("status", "Failure")
        .containsEntry("reason", "NonZeroExitCode");
  }

  @Test
  void execWithoutTheTokenIsRefusedAndRunsNothing() {
    for (String bad : List.of("", "Bearer wrong")) {
      WebSocket.Builder builder = http.newWebSocketBuilder().subprotocols("v5.channel.k8s.io");
      if (!bad.isEmpty()) {
        builder.header("Authorization", bad);
      }
      CompletableFuture<WebSocket> opened =
          builder.buildAsync(wss(POD + "/exec?command=id&stdout=true"), new Channels());
      assertThatThrownBy(() -> opened.get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
    }
    assertThat(pods.execs.get()).isZero();
  }

  @Test
  void execWithoutAChannelProtocolIsABadRequest() throws Exception {
    CompletableFuture<WebSocket> opened =
        http.newWebSocketBuilder()
            .header("Authorization", "Bearer " + front.credentials().token())
            .buildAsync(wss(POD + "/exec?command=id&stdout=true"), new Channels());
    assertThatThrownBy(() -> opened.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(400));
  }

  // ---- port-forward
  // ----------------------------------------------------------------------------------

  @Test
  void portForwardTunneledInAWebSocketReachesThePodsPort() throws Exception {
    // kubectl's framing, from Netty's client-side codecs: masked WebSocket frames carrying SPDY.
    EmbeddedChannel client =
        new EmbeddedChannel(
            new WebSocket13FrameDecoder(false, false, ApiFrontHandler.MAX_MESSAGE),
            new WebSocket13FrameEncoder(true),
            new WebSocketTunnel(),
            new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    try (SSLSocket socket = open()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          upgrade(
              POD + "/portforward",
              Optional.of(front.credentials().token()),
              "websocket",
              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  + "Sec-WebSocket-Protocol: "
                  + StreamUpgrades.TUNNELED_PORT_FORWARD
                  + "\r\n"));
      String head = readHead(in);
      assertThat(head)
          .startsWith("HTTP/1.1 101")
          .contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
          .containsIgnoringCase("Sec-WebSocket-Protocol: " + StreamUpgrades.TUNNELED_PORT_FORWARD);
      for (ByteBuf b : openForward(client, "hello through the tunnel")) {
        out.write(ByteBufUtil.getBytes(b));
        b.release();
      }
      out.flush();
      assertThat(awaitEcho(in, client, "hello through the tunnel"))
          .contains("hello through the tunnel");
    }
    client.finishAndReleaseAll();
  }

  /**
   * A client may split its binary messages into continuation frames (gorilla/websocket, kubectl's
   * library, does past its write buffer) at any byte, SPDY frames spanning messages: 1 MiB of
   * random bytes in 32 KiB DATA frames, re-cut into fragmented messages of odd sizes, comes back
   * from the echoing pod exactly.
   */
  @Test
  void portForwardTunneledInFragmentedWebSocketMessagesKeepsEveryByte() throws Exception {
    byte[] payload = new byte[1024 * 1024];
    new Random(14).nextBytes(payload);
    EmbeddedChannel spdy = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    ByteArrayOutputStream spdyBytes = new ByteArrayOutputStream();
    for (ByteBuf b : openForward(spdy, "")) {
      spdyBytes.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    for (int at = 0; at < payload.length; at += 32 * 1024) {
      spdy.writeOutbound(
          new DefaultSpdyDataFrame(3, Unpooled.wrappedBuffer(payload, at, 32 * 1024)));
      for (ByteBuf b; (b = spdy.readOutbound()) != null; ) {
        spdyBytes.writeBytes(ByteBufUtil.getBytes(b));
        b.release();
      }
    }
    byte[] stream = spdyBytes.toByteArray();
    // Messages of 3 fragments each, cut at sizes that share nothing with the SPDY framing.
    EmbeddedChannel frames = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
    int[] cuts = {1, 4093, 70_001};
    for (int at = 0; at < stream.length; ) {
      for (int f = 0; f < cuts.length && at < stream.length; f++) {
        int length = Math.min(cuts[f], stream.length - at);
        boolean last = f == cuts.length - 1 || at + length == stream.length;
        ByteBuf bytes = Unpooled.wrappedBuffer(stream, at, length);
        frames.writeOutbound(
            f == 0
                ? new BinaryWebSocketFrame(last, 0, bytes)
                : new ContinuationWebSocketFrame(last, 0, bytes));
        at += length;
      }
    }
    EmbeddedChannel client =
        new EmbeddedChannel(
            new WebSocket13FrameDecoder(false, false, ApiFrontHandler.MAX_MESSAGE),
            new WebSocketTunnel(),
            new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    try (SSLSocket socket = open()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          upgrade(
              POD + "/portforward",
              Optional.of(front.credentials().token()),
              "websocket",
              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  + "Sec-WebSocket-Protocol: "
                  + StreamUpgrades.TUNNELED_PORT_FORWARD
                  + "\r\n"));
      assertThat(readHead(in)).startsWith("HTTP/1.1 101");
      for (ByteBuf b; (b = frames.readOutbound()) != null; ) {
        out.write(ByteBufUtil.getBytes(b));
        b.release();
      }
      out.flush();
      ByteArrayOutputStream echoed = new ByteArrayOutputStream();
      byte[] buf = new byte[64 * 1024];
      while (echoed.size() < payload.length) {
        int n = in.read(buf);
        assertThat(n)
            .as("connection open while %d of %d bytes echoed", echoed.size(), payload.length)
            .isPositive();
        // Copied: the decoders may keep what they cannot frame yet, and buf is read into again.
        client.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
        for (Object frame; (frame = client.readInbound()) != null; ) {
          if (frame instanceof SpdyDataFrame d) {
            if (d.streamId() == 3) {
              echoed.writeBytes(ByteBufUtil.getBytes(d.content()));
            }
            d.release();
          }
        }
      }
      assertThat(echoed.toByteArray()).as("the echo of 1 MiB").isEqualTo(payload);
    }
    client.finishAndReleaseAll();
    spdy.finishAndReleaseAll();
    frames.finishAndReleaseAll();
  }

  @Test
  void portForwardOnARawSpdyUpgradeReachesThePodsPort() throws Exception {
    EmbeddedChannel client = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    try (SSLSocket socket = open()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          upgrade(
              POD + "/portforward",
              Optional.of(front.credentials().token()),
              "SPDY/3.1",
              "X-Stream-Protocol-Version: portforward.k8s.io\r\n"));
      // Sent at once, before the 101: the SPDY codec must get what arrives right behind the
      // request.
      for (ByteBuf b : openForward(client, "hello over spdy")) {
        out.write(ByteBufUtil.getBytes(b));
        b.release();
      }
      out.flush();
      assertThat(readHead(in))
          .startsWith("HTTP/1.1 101")
          .containsIgnoringCase("X-Stream-Protocol-Version: portforward.k8s.io");
      // The first SYN_REPLY as bytes: spdystream (kubectl) cannot read one without a header block.
      byte[] frameHead = in.readNBytes(8);
      assertThat(frameHead).startsWith(0x80, 0x03, 0x00, 0x02);
      int length =
          ((frameHead[5] & 0xFF) << 16) | ((frameHead[6] & 0xFF) << 8) | (frameHead[7] & 0xFF);
      assertThat(length).as("SYN_REPLY length: stream id plus a header block").isGreaterThan(4);
      client.writeInbound(Unpooled.wrappedBuffer(frameHead));
      assertThat(awaitEcho(in, client, "hello over spdy")).contains("hello over spdy");
    }
    client.finishAndReleaseAll();
  }

  @Test
  void portForwardWithoutTheTokenIsRefused() throws Exception {
    for (Optional<String> bad : List.of(Optional.<String>empty(), Optional.of("wrong"))) {
      try (SSLSocket socket = open()) {
        socket
            .getOutputStream()
            .write(
                upgrade(
                    POD + "/portforward",
                    bad,
                    "websocket",
                    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Protocol: "
                        + StreamUpgrades.TUNNELED_PORT_FORWARD
                        + "\r\n"));
        assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 401");
      }
      try (SSLSocket socket = open()) {
        socket
            .getOutputStream()
            .write(
                upgrade(
                    POD + "/portforward",
                    bad,
                    "SPDY/3.1",
                    "X-Stream-Protocol-Version: portforward.k8s.io\r\n"));
        assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 401");
      }
    }
    assertThat(pods.reached.get()).isZero();
  }

  // ---- helpers
  // ---------------------------------------------------------------------------------------

  private SSLSocket open() throws IOException {
    SSLSocket socket =
        (SSLSocket) trustingTheCa.getSocketFactory().createSocket("127.0.0.1", front.port());
    socket.setSoTimeout((int) WAIT.toMillis());
    return socket;
  }

  private static byte[] upgrade(
      String path, Optional<String> token, String protocol, String moreHeaders) {
    return ("GET "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + token.map(t -> "Authorization: Bearer " + t + "\r\n").orElse("")
            + "Connection: Upgrade\r\nUpgrade: "
            + protocol
            + "\r\n"
            + moreHeaders
            + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads SPDY data on stream 3 until it holds {@code expected}; bounded by the socket's read
   * timeout.
   */
  private static String awaitEcho(InputStream in, EmbeddedChannel client, String expected)
      throws IOException {
    StringBuilder echoed = new StringBuilder();
    byte[] buf = new byte[8192];
    while (!echoed.toString().contains(expected)) {
      int n = in.read(buf);
      assertThat(n)
          .as("connection open while waiting for the echo; got so far: %s", echoed)
          .isPositive();
      client.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
      echoed.append(dataOn(client, 3));
    }
    return echoed.toString();
  }

  /**
   * The error and data streams kubectl opens for one connection, then {@code payload} on the data
   * stream.
   */
  private List<ByteBuf> openForward(EmbeddedChannel spdy, String payload) {
    DefaultSpdySynStreamFrame error = new DefaultSpdySynStreamFrame(1, 0, (byte) 0);
    error
        .headers()
        .add("streamtype", "error")
        .add("port", Integer.toString(echo.getLocalPort()))
        .add("requestid", "0");
    error.setLast(true);
    DefaultSpdySynStreamFrame data = new DefaultSpdySynStreamFrame(3, 0, (byte) 0);
    data.headers()
        .add("streamtype", "data")
        .add("port", Integer.toString(echo.getLocalPort()))
        .add("requestid", "0");
    spdy.writeOutbound(
        error,
        data,
        new DefaultSpdyDataFrame(3, Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)));
    List<ByteBuf> out = new ArrayList<>();
    for (ByteBuf b; (b = spdy.readOutbound()) != null; ) {
      out.add(b);
    }
    return out;
  }

  private static String dataOn(EmbeddedChannel spdy, int stream) {
    StringBuilder text = new StringBuilder();
    for (Object frame; (frame = spdy.readInbound()) != null; ) {
      if (frame instanceof SpdyDataFrame d) {
        if (d.streamId() == stream) {
          text.append(d.content().toString(StandardCharsets.UTF_8));
        }
        d.release();
      }
    }
    return text.toString();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("response head so far: %s", head).isNotNegative();
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private Optional<String> token() {
    return Optional.of(front.credentials().token());
  }

  private HttpRequest.Builder request(String path, Optional<String> token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(front.url() + path)).timeout(WAIT);
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  private HttpResponse<String> get(String path, Optional<String> token) throws Exception {
    return http.send(request(path, token).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI wss(String path) {
    return URI.create("wss://127.0.0.1:" + front.port() + path);
  }

  private static SSLContext trusting(ApiCertificates certificates) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", certificates.ca());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private void echo() {
    while (!echo.isClosed()) {
      try {
        Socket s = echo.accept();
        pods.reached.incrementAndGet();
        Thread t =
            new Thread(
                () -> {
                  try (s) {
                    s.getInputStream().transferTo(s.getOutputStream());
                  } catch (IOException ignored) {
                    // the forward ended
                  }
                });
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Binary messages by channel (exec) or in arrival order (port-forward), and the close. */
  private static final class Channels implements WebSocket.Listener {
    final List<byte[]> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private ByteArrayOutputStream partial = new ByteArrayOutputStream();

    @Override
    public CompletableFuture<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      partial.writeBytes(bytes);
      if (last) {
        messages.add(partial.toByteArray());
        partial = new ByteArrayOutputStream();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletableFuture<?> onClose(WebSocket ws, int code, String reason) {
      closed.complete(code);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }

    byte[] bytes(int channel) {
      return ChannelMessages.bytes(messages, channel);
    }

    String text(int channel) {
      return ChannelMessages.text(messages, channel);
    }
  }

  /**
   * One pod, {@code p}; exec runs the command on this machine (collected: fixed output); reach
   * counts and points at the test's echo server.
   */
  private final class FakePods implements PodStreams {
    final AtomicInteger execs = new AtomicInteger();
    final AtomicInteger reached = new AtomicInteger();

    @Override
    public Optional<Pod> pod(String namespace, String name) {
      if (!"p".equals(name) && !"two".equals(name)) {
        return Optional.empty();
      }
      PodBuilder pod =
          new PodBuilder()
              .withNewMetadata()
              .withNamespace(namespace)
              .withName(name)
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("main")
              .endContainer()
              .endSpec();
      if ("two".equals(name)) {
        pod.editSpec().addNewContainer().withName("sidecar").endContainer().endSpec();
      }
      return Optional.of(pod.build());
    }

    @Override
    public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
      execs.incrementAndGet();
      return new ExecResult("root\n", "warn\n", 0, Duration.ZERO);
    }

    @Override
    public ExecProcess start(Pod pod, String container, List<String> command, boolean tty) {
      execs.incrementAndGet();
      return LocalExecProcess.start(command, tty);
    }

    @Override
    public URI reach(Pod pod, int containerPort) {
      return URI.create("tcp://127.0.0.1:" + echo.getLocalPort());
    }

    @Override
    public String logs(Pod pod, String container) {
      return "line1\nline2\n";
    }

    @Override
    public String logs(Pod pod, String container, boolean previous) {
      if (previous) {
        throw new IllegalArgumentException(
            "previous terminated container \"" + container + "\" in pod \"two\" not found");
      }
      return "main".equals(container) ? logs(pod, container) : container + " says hi\n";
    }
  }
}
