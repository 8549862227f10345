package io.kuberay.harness.emulated.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.emulated.store.JsonText;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exec session's protocol logic against real local commands: bytes forwarded unchanged as they
 * are written, stdin piped until its end, exit codes, terminals, clients that go away.
 */
class ExecSessionTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pod POD =
      new PodBuilder()
          .withNewMetadata()
          .withNamespace("default")
          .withName("p")
          .endMetadata()
          .build();

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final RecordingClient client = new RecordingClient();
  private final AtomicReference<ExecProcess> started = new AtomicReference<>();

  @AfterEach
  void stop() {
    ExecProcess p = started.get();
    if (p != null) {
      p.close();
    }
    threads.shutdownNow();
  }

  @Test
  void binaryOutputIsForwardedByteForByte(@TempDir Path dir) throws Exception {
    byte[] data = new byte[200_000];
    new Random(1).nextBytes(data);
    Path file = Files.write(dir.resolve("bin.dat"), data);
    ExecSession session = session(request(false, false, "cat", file.toString()));

    run(session);

    assertThat(client.bytes(ChannelProtocol.STDOUT)).isEqualTo(data);
    assertThat(client.status()).containsEntry("status", "Success");
  }

  @Test
  void stdinIsPipedUntilTheV5CloseMessage() throws Exception {
    byte[] data = new byte[100_000];
    new Random(2).nextBytes(data);
    ExecSession session = session(request(true, false, "cat"));
    CompletableFuture<Void> running = CompletableFuture.runAsync(session::run, threads);

    session.received(ChannelProtocol.message(ChannelProtocol.STDIN, data, 0, 60_000));
    session.received(ChannelProtocol.message(ChannelProtocol.STDIN, data, 60_000, 40_000));
    session.received(new byte[] {(byte) ChannelProtocol.RESIZE, '{', '}'}); // ignored
    session.received(new byte[] {(byte) ChannelProtocol.CLOSE, ChannelProtocol.STDIN});

    running.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(client.bytes(ChannelProtocol.STDOUT)).isEqualTo(data);
    assertThat(client.status()).containsEntry("status", "Success");
    assertThat(client.closed).isTrue();
  }

  @Test
  void stdinThatWasNotAskedForIsEndOfFileAtOnce() throws Exception {
    ExecSession session = session(request(false, false, "cat"));

    run(session);

    assertThat(client.bytes(ChannelProtocol.STDOUT)).isEmpty();
    assertThat(client.status()).containsEntry("status", "Success");
  }

  @Test
  void theClientGoingAwayEndsStdinAndTheCommandRunsOn() throws Exception {
    ExecSession session = session(request(true, false, "sh", "-c", "cat; echo done"));
    CompletableFuture<Void> running = CompletableFuture.runAsync(session::run, threads);
    session.received(
        ChannelProtocol.message(ChannelProtocol.STDIN, "x\n".getBytes(StandardCharsets.UTF_8)));
    Awaitility.await("the command's echo of the client's stdin")
        .atMost(WAIT)
        .until(() -> client.text(ChannelProtocol.STDOUT), out -> out.equals("x\n"));

    session.clientClosed();

    running.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    // cat saw end of file and the shell went on; its output had nowhere to go
    assertThat(client.text(ChannelProtocol.STDOUT)).isEqualTo("x\n");
    assertThat(client.messages).noneMatch(m -> m[0] == ChannelProtocol.ERROR);
  }

  @Test
  void outputIsSentAsTheCommandWritesItNotWhenItEnds() throws Exception {
    ExecSession session =
        session(request(false, false, "sh", "-c", "echo first; sleep 20; echo second"));
    CompletableFuture<Void> running = CompletableFuture.runAsync(session::run, threads);

    Awaitility.await("the first line before the command ends")
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.text(ChannelProtocol.STDOUT), out -> out.equals("first\n"));
    assertThat(running).isNotDone();
  }

  @Test
  void aNonZeroExitIsReportedWithItsCode() throws Exception {
    ExecSession session = session(request(false, false, "sh", "-c", "echo oops >&2; exit 3"));

    run(session);

    assertThat(client.text(ChannelProtocol.STDERR)).isEqualTo("oops\n");
    Map<String, Object> status = client.status();
    assertThat(status)
        .containsEntry("status", "Failure")
        .containsEntry("reason", "NonZeroExitCode")
        .containsEntry(
            "message",
            "command terminated with non-zero exit code: error executing"
                + " command [sh, -c, echo oops >&2; exit 3], exit code 3");
    assertThat(status.get("details").toString()).contains("ExitCode").contains("3");
  }

  @Test
  void withATerminalStderrShowsOnStdout() throws Exception {
    ExecSession session = session(request(false, true, "sh", "-c", "echo out; echo err >&2"));

    run(session);

    assertThat(client.text(ChannelProtocol.STDOUT)).contains("out").contains("err");
    assertThat(client.bytes(ChannelProtocol.STDERR)).isEmpty();
    assertThat(client.status()).containsEntry("status", "Success");
  }

  @Test
  void resizeMessagesSizeTheTerminalTheLastOneWinning() throws Exception {
    List<String> sizes = new CopyOnWriteArrayList<>();
    ExecSession session =
        new ExecSession(
            client,
            new Pods() {
              @Override
              public ExecProcess start(
                  Pod pod, String container, List<String> command, boolean tty) {
                ExecProcess p = super.start(pod, container, command, tty);
                return new ExecProcess() {
                  @Override
                  public OutputStream stdin() {
                    return p.stdin();
                  }

                  @Override
                  public InputStream stdout() {
                    return p.stdout();
                  }

                  @Override
                  public InputStream stderr() {
                    return p.stderr();
                  }

                  @Override
                  public int waitFor() throws InterruptedException {
                    return p.waitFor();
                  }

                  @Override
                  public void resize(int columns, int rows) {
                    sizes.add(columns + "x" + rows);
                  }

                  @Override
                  public void close() {
                    p.close();
                  }
                };
              }
            },
            POD,
            request(true, true, "cat"),
            threads);
    // kubectl sends the terminal's size first, possibly before the command started
    session.received(resize("{\"Width\":80,\"Height\":24}"));
    CompletableFuture<Void> running = CompletableFuture.runAsync(session::run, threads);
    Awaitility.await("the first size applied").atMost(WAIT).until(() -> sizes.contains("80x24"));
    session.received(resize("{\"Width\":132,\"Height\":50}"));
    session.received(resize("not json")); // dropped
    Awaitility.await("the new size applied").atMost(WAIT).until(() -> sizes.contains("132x50"));
    session.received(new byte[] {(byte) ChannelProtocol.CLOSE, ChannelProtocol.STDIN});
    running.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(sizes.get(sizes.size() - 1)).isEqualTo("132x50");
  }

  @Test
  void aCommandThatCannotStartIsAFailureStatus() throws Exception {
    ExecSession session =
        new ExecSession(
            client,
            new Pods() {
              @Override
              public ExecProcess start(
                  Pod pod, String container, List<String> command, boolean tty) {
                throw new IllegalStateException("container c of pod default/p is not running");
              }
            },
            POD,
            request(false, false, "true"),
            threads);

    run(session);

    assertThat(client.status())
        .containsEntry("status", "Failure")
        .containsEntry("reason", "InternalError")
        .containsEntry(
            "message",
            "error executing command [true] in pod p: container c of pod default/p is not running");
  }

  @Test
  void aBackedUpStdinPausesReadingTheClientUntilTheCommandCatchesUp() throws Exception {
    ExecSession session =
        session(request(true, false, "sh", "-c", "sleep 1; cat > /dev/null; echo read"));
    CompletableFuture<Void> running = CompletableFuture.runAsync(session::run, threads);
    byte[] chunk = new byte[64 * 1024];
    for (int i = 0; i < 40; i++) {
      session.received(ChannelProtocol.message(ChannelProtocol.STDIN, chunk));
    }
    Awaitility.await("reading the client paused, then resumed")
        .atMost(WAIT)
        .until(() -> client.reading, r -> r.equals(List.of(false, true)));
    session.received(new byte[] {(byte) ChannelProtocol.CLOSE, ChannelProtocol.STDIN});
    running.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(client.text(ChannelProtocol.STDOUT)).isEqualTo("read\n");
  }

  // ---- helpers

  private static byte[] resize(String json) {
    return ChannelProtocol.message(ChannelProtocol.RESIZE, json.getBytes(StandardCharsets.UTF_8));
  }

  private static ExecSession.ExecRequest request(boolean stdin, boolean tty, String... command) {
    return new ExecSession.ExecRequest(List.of(command), null, stdin, true, true, tty);
  }

  private ExecSession session(ExecSession.ExecRequest request) {
    return new ExecSession(client, new Pods(), POD, request, threads);
  }

  private void run(ExecSession session) throws Exception {
    CompletableFuture.runAsync(session::run, threads).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Runs the command on this machine; a terminal is a merged pipe here. */
  private class Pods implements PodStreams {
    @Override
    public ExecProcess start(Pod pod, String container, List<String> command, boolean tty) {
      ExecProcess p = LocalExecProcess.start(command, tty);
      started.set(p);
      return p;
    }

    @Override
    public Optional<Pod> pod(String namespace, String name) {
      return Optional.of(POD);
    }

    @Override
    public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
      throw new AssertionError("a session streams");
    }

    @Override
    public String logs(Pod pod, String container) {
      return "";
    }

    @Override
    public String logs(Pod pod, String container, boolean previous) {
      return "";
    }

    @Override
    public URI reach(Pod pod, int containerPort) {
      throw new AssertionError("not reached");
    }
  }

  /** Every message sent, whether reading was paused or resumed, and the close. */
  private static final class RecordingClient implements ExecSession.Client {
    final List<byte[]> messages = new CopyOnWriteArrayList<>();
    final List<Boolean> reading = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    @Override
    public void sendBinary(byte[] message) {
      messages.add(message.clone());
    }

    @Override
    public void readInput(boolean on) {
      reading.add(on);
    }

    @Override
    public void close() {
      closed = true;
    }

    byte[] bytes(int channel) {
      return ChannelMessages.bytes(messages, channel);
    }

    String text(int channel) {
      return ChannelMessages.text(messages, channel);
    }

    Map<String, Object> status() {
      return JsonText.readObject(text(ChannelProtocol.ERROR));
    }
  }
}
