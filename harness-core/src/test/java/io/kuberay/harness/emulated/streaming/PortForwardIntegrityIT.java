package io.kuberay.harness.emulated.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.emulated.api.ApiDispatcher;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.ResourceRef;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14's suspect for the lost working_dir upload: the port-forward path corrupting, truncating
 * or reordering bytes. Real {@code kubectl port-forward} (SPDY tunneled in a WebSocket, kubectl's
 * default, and raw SPDY) through the {@link ApiFront} to a pod port served by a SHA-256 server;
 * payloads of 0 B to 32 MiB of random bytes go up, down and both ways at once on 8 concurrent
 * connections of one forward, while other connections are dropped half-way; every byte must arrive
 * as sent, and the forward must keep serving afterwards. Needs kubectl (the tools cache of {@code
 * tools/install-kubectl.sh}, or the PATH); aborted with the reason without it.
 */
class PortForwardIntegrityIT {

  private static final int[] SIZES = {0, 1, 64 * 1024, 1024 * 1024, 8 << 20, 32 << 20};
  private static final int CONCURRENT = 8;
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(90);

  @TempDir static Path dir;
  // One front for both tunnels: its credentials take seconds to make.
  private static ApiFront front;
  private static ShaServer server;
  private static Path kubeconfig;
  private static Path kubectl;
  private Process forward;
  private final StringBuffer kubectlOutput = new StringBuffer();

  @BeforeAll
  static void start() throws IOException {
    Optional<Path> found = findKubectl();
    Assumptions.assumeTrue(
        found.isPresent(),
        "kubectl is not available (tools cache or PATH); run tools/install-kubectl.sh");
    ApiDispatcher dispatcher = new ApiDispatcher(new ObjectStore(), "v1.31.0");
    dispatcher.create(
        "/api/v1/namespaces",
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "default")));
    // kubectl port-forward reads the pod first and refuses one that is not Running.
    dispatcher
        .store()
        .create(
            new ResourceRef("", "v1", "pods"),
            JsonText.readObject(
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
                    + "\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                    + "\"image\":\"busybox\"}]},\"status\":{\"phase\":\"Running\"}}"));
    server = new ShaServer();
    front = ApiFront.start(dispatcher, new OnePod(server.port()), 0);
    kubeconfig =
        Files.writeString(dir.resolve("kubeconfig"), front.credentials().kubeconfig(front.url()));
    kubectl = found.get();
  }

  @AfterEach
  void stopForward() throws Exception {
    if (forward != null) {
      forward.destroy();
      if (!forward.waitFor(10, TimeUnit.SECONDS)) {
        forward.destroyForcibly();
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (front != null) {
      front.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest(name = "websocket tunnel: {0}")
  @ValueSource(booleans = {true, false})
  void everyByteArrivesAsSentOnConcurrentAndDroppedConnections(boolean websocket) throws Exception {
    int local = startForward(websocket);
    int acceptedBefore = server.accepted.get();
    long t0 = System.nanoTime();
    List<Probe> probes = new ArrayList<>();
    long seed = 1;
    for (int size : SIZES) {
      probes.add(new Probe(Kind.UP, size, seed++));
      probes.add(new Probe(Kind.DOWN, size, seed++));
      probes.add(new Probe(Kind.ECHO, size, seed++));
    }
    // Dropped by the client half-way, while the others run: the pod side ends, nothing else does.
    probes.add(1, new Probe(Kind.DROP_DOWN, 32 << 20, seed++));
    probes.add(4, new Probe(Kind.DROP_UP, 32 << 20, seed++));
    probes.add(9, new Probe(Kind.DROP_DOWN, 8 << 20, seed++));
    probes.add(12, new Probe(Kind.DROP_UP, 8 << 20, seed++));
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
    List<Future<String>> results = new ArrayList<>();
    try {
      for (Probe p : probes) {
        results.add(pool.submit(() -> p.run(local)));
      }
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < probes.size(); i++) {
        String failure = results.get(i).get(5, TimeUnit.MINUTES);
        if (failure != null) {
          failures.add(probes.get(i) + ": " + failure);
        }
      }
      // The forward outlives everything above: one more exact round trip.
      String after = new Probe(Kind.ECHO, 1024 * 1024, seed).run(local);
      if (after != null) {
        failures.add("echo after the others: " + after);
      }
      long bytes = probes.stream().mapToLong(Probe::bytesMoved).sum();
      System.out.printf(
          "[PortForwardIntegrityIT] websocket=%s: %d connections (%d at once), %d MiB moved, %d"
              + " ms, failures %d%n",
          websocket,
          probes.size() + 1,
          CONCURRENT,
          bytes >> 20,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
          failures.size());
      assertThat(failures)
          .as("connections whose bytes did not arrive as sent; kubectl said:\n" + output())
          .isEmpty();
      assertThat(server.accepted.get() - acceptedBefore)
          .as("connections that reached the pod's port")
          .isEqualTo(probes.size() + 1);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- the forward

  private int startForward(boolean websocket) throws Exception {
    int local;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      local = s.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                kubectl.toString(), "port-forward", "--address=127.0.0.1", "pod/p", local + ":8265")
            .redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("KUBECTL_PORT_FORWARD_WEBSOCKETS", String.valueOf(websocket));
    forward = pb.start();
    forward.getOutputStream().close();
    CompletableFuture<Boolean> listening = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(forward.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  kubectlOutput.append(line).append('\n');
                  if (line.startsWith("Forwarding from")) {
                    listening.complete(true);
                  }
                }
              } catch (IOException ignored) {
                // kubectl ended
              }
              listening.complete(false);
            },
            "kubectl-port-forward-output");
    reader.setDaemon(true);
    reader.start();
    assertThat(listening.get(60, TimeUnit.SECONDS))
        .as("kubectl port-forward listening; its output:\n" + output())
        .isTrue();
    return local;
  }

  private String output() {
    return kubectlOutput.toString();
  }

  // ---- the probes

  private enum Kind {
    /** Client sends, half-closes; the pod answers with the count and SHA-256 it received. */
    UP,
    /** The pod sends seeded bytes and closes; the client checks count and SHA-256. */
    DOWN,
    /** The pod echoes while the client sends, then half-closes; the echo must match. */
    ECHO,
    /** A large download the client drops (RST) after 256 KiB. */
    DROP_DOWN,
    /** A large upload the client drops after 1 MiB, without half-closing or reading. */
    DROP_UP
  }

  private record Probe(Kind kind, int size, long seed) {

    long bytesMoved() {
      return switch (kind) {
        case ECHO -> 2L * size;
        case DROP_DOWN -> 256 * 1024;
        case DROP_UP -> 1024 * 1024;
        default -> size;
      };
    }

    /** Null when every byte arrived as sent, else what went wrong. */
    String run(int port) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout((int) CONNECTION_TIMEOUT.toMillis());
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        switch (kind) {
          case UP -> {
            out.write("UP\n".getBytes(StandardCharsets.US_ASCII));
            String sent = Payload.write(out, size, seed);
            s.shutdownOutput();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            String expected = size + " " + sent;
            return answer.equals(expected)
                ? null
                : "the pod received " + answer + ", expected " + expected;
          }
          case DOWN -> {
            out.write(("DOWN " + size + " " + seed + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return Payload.check(in, size, seed);
          }
          case ECHO -> {
            out.write("ECHO\n".getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<String> checked =
                CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        return Payload.check(in, size, seed);
                      } catch (IOException e) {
                        return "reading the echo: " + e;
                      }
                    });
            Payload.write(out, size, seed);
            s.shutdownOutput();
            return checked.get(CONNECTION_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          }
          case DROP_DOWN -> {
            out.write(("DOWN " + size + " " + seed + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] part = in.readNBytes(256 * 1024);
            s.setSoLinger(true, 0); // a reset, as a killed client leaves it
            return part.length == 256 * 1024 ? null : "only " + part.length + " bytes came";
          }
          case DROP_UP -> {
            out.write("UP\n".getBytes(StandardCharsets.US_ASCII));
            Payload.write(out, 1024 * 1024, seed);
            s.setSoLinger(true, 0);
            return null;
          }
          default -> throw new IllegalStateException(kind.toString());
        }
      } catch (Exception e) {
        return e.toString();
      }
    }

    @Override
    public String toString() {
      return kind + " " + size + " B (seed " + seed + ")";
    }
  }

  /**
   * Seeded random bytes in 64 KiB blocks, so both ends make the same stream whatever their reads.
   */
  static final class Payload {
    static final int BLOCK = 64 * 1024;

    static byte[] block(long seed, int index, int length) {
      byte[] b = new byte[BLOCK];
      new Random(seed * 1_000_003L + index).nextBytes(b);
      return length == BLOCK ? b : Arrays.copyOf(b, length);
    }

    /** Writes {@code size} bytes; their SHA-256 in hex. */
    static String write(OutputStream out, long size, long seed) throws IOException {
      MessageDigest sha = sha256();
      int index = 0;
      for (long left = size; left > 0; left -= BLOCK) {
        byte[] b = block(seed, index++, (int) Math.min(BLOCK, left));
        sha.update(b);
        out.write(b);
      }
      out.flush();
      return HexFormat.of().formatHex(sha.digest());
    }

    /** Reads to the end; null when it is exactly the seeded {@code size} bytes. */
    static String check(InputStream in, long size, long seed) throws IOException {
      MessageDigest expected = sha256();
      int index = 0;
      for (long left = size; left > 0; left -= BLOCK) {
        expected.update(block(seed, index++, (int) Math.min(BLOCK, left)));
      }
      MessageDigest got = sha256();
      long count = 0;
      byte[] buf = new byte[BLOCK];
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.update(buf, 0, n);
        count += n;
      }
      String want = HexFormat.of().formatHex(expected.digest());
      String have = HexFormat.of().formatHex(got.digest());
      return count == size && want.equals(have)
          ? null
          : "received " + count + " B sha256 " + have + ", expected " + size + " B sha256 " + want;
    }

    static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The pod's port: a line naming the exchange, then {@link Kind}'s bytes. */
  private static final class ShaServer implements AutoCloseable {
    final AtomicInteger accepted = new AtomicInteger();
    private final ServerSocket socket;

    ShaServer() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::accept, "sha-server");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          accepted.incrementAndGet();
          Thread t = new Thread(() -> serve(s), "sha-server-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void serve(Socket s) {
      try (s) {
        s.setSoTimeout((int) CONNECTION_TIMEOUT.toMillis());
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        String[] command = readLine(in).split(" ");
        switch (command[0]) {
          case "UP" -> {
            MessageDigest sha = Payload.sha256();
            long count = 0;
            byte[] buf = new byte[Payload.BLOCK];
            for (int n; (n = in.read(buf)) >= 0; ) {
              sha.update(buf, 0, n);
              count += n;
            }
            out.write(
                (count + " " + HexFormat.of().formatHex(sha.digest()) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
          }
          case "DOWN" -> Payload.write(out, Long.parseLong(command[1]), Long.parseLong(command[2]));
          case "ECHO" -> in.transferTo(out);
          default -> out.write(("unknown " + command[0] + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
      } catch (IOException ignored) {
        // a dropped connection: its client checks nothing
      }
    }

    private static String readLine(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
        line.append((char) b);
      }
      return line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Pod {@code default/p}, whose every port is the test's SHA server. */
  private static final class OnePod implements PodStreams {
    private final int port;

    OnePod(int port) {
      this.port = port;
    }

    @Override
    public Optional<Pod> pod(String namespace, String name) {
      return "p".equals(name)
          ? Optional.of(
              new PodBuilder()
                  .withNewMetadata()
                  .withNamespace(namespace)
                  .withName(name)
                  .endMetadata()
                  .build())
          : Optional.empty();
    }

    @Override
    public URI reach(Pod pod, int containerPort) {
      return URI.create("tcp://127.0.0.1:" + port);
    }

    @Override
    public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
      throw new UnsupportedOperationException("no exec in this test");
    }

    @Override
    public ExecProcess start(Pod pod, String container, List<String> command, boolean tty) {
      throw new UnsupportedOperationException("no exec in this test");
    }

    @Override
    public String logs(Pod pod, String container) {
      return "";
    }

    @Override
    public String logs(Pod pod, String container, boolean previous) {
      return "";
    }
  }

  /** The tools cache first (the pinned kubectl of tools/install-kubectl.sh), then the PATH. */
  static Optional<Path> findKubectl() {
    String explicit = System.getenv("KUBERAY_HARNESS_TOOLS");
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache =
        explicit != null && !explicit.isBlank()
            ? Path.of(explicit)
            : (xdg != null && !xdg.isBlank()
                    ? Path.of(xdg)
                    : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("kuberay-harness")
                .resolve("tools");
    Path cached = cache.resolve("bin").resolve("kubectl");
    if (Files.isExecutable(cached)) {
      return Optional.of(cached);
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "kubectl"))) {
        return Optional.of(Path.of(d, "kubectl"));
      }
    }
    return Optional.empty();
  }
}
