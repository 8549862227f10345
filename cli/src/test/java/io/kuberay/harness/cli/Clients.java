package io.kuberay.harness.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * The real kubectl and helm (the pinned ones of {@code tools/install-kubectl.sh}, else the PATH's)
 * run against an emulator's kubeconfig; a test without them is aborted and says why.
 */
final class Clients {

  static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

  private final Path kubectl;
  private final Path helm;
  private final Path kubeconfig;
  private final Path scratch;
  private final String tag;

  private Clients(Path kubectl, Path helm, Path kubeconfig, Path scratch, String tag) {
    this.kubectl = kubectl;
    this.helm = helm;
    this.kubeconfig = kubeconfig;
    this.scratch = scratch;
    this.tag = tag;
  }

  /** Both tools, or the test is aborted naming the one missing. */
  static Clients require(String tag, Path kubeconfig, Path scratch) {
    Path kubectl = find("kubectl");
    Path helm = find("helm");
    return new Clients(kubectl, helm, kubeconfig, scratch, tag);
  }

  private static Path find(String tool) {
    Optional<Path> found = findTool(tool);
    if (found.isEmpty()) {
      String reason =
          tool
              + " is not available (not on the PATH, not in "
              + UpWithKubectlIT.toolsCache()
              + "); run tools/install-kubectl.sh to enable this test";
      System.out.println("ABORTED: " + reason);
      Assumptions.abort(reason);
    }
    return found.get();
  }

  /** The tools cache first, then the PATH. */
  static Optional<Path> findTool(String tool) {
    Path cached = UpWithKubectlIT.toolsCache().resolve("bin").resolve(tool);
    if (Files.isExecutable(cached)) {
      return Optional.of(cached);
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return Optional.of(Path.of(d, tool));
      }
    }
    return Optional.empty();
  }

  /**
   * {@code --validate=false} for kubectl's create and apply while the API server serves no OpenAPI
   * document (kubectl cannot validate without it); nothing once it does, so the same test then runs
   * with validation on.
   */
  List<String> kubectlValidation() {
    return servesOpenApi() ? List.of() : List.of("--validate=false");
  }

  /** Helm's {@code --disable-openapi-validation} on the same condition. */
  List<String> helmValidation() {
    return servesOpenApi() ? List.of() : List.of("--disable-openapi-validation");
  }

  private boolean servesOpenApi() {
    return run(kubectl, List.of("get", "--raw", "/openapi/v3"), Map.of(), null).exitCode() == 0;
  }

  Result kubectl(List<String> args, List<String> more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(more);
    return run(kubectl, all, Map.of(), null);
  }

  Result helm(List<String> args, List<String> more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(more);
    return run(helm, all, Map.of(), null);
  }

  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  Result kubectl(String... args) {
    return run(kubectl, List.of(args), Map.of(), null);
  }

  Result kubectlWithInput(String input, String... args) {
    return run(kubectl, List.of(args), Map.of(), input);
  }

  Result helm(String... args) {
    return run(helm, List.of(args), Map.of(), null);
  }

  /** kubectl with its standard output written to {@code out} unchanged (binary output). */
  Result kubectlStdoutTo(Path out, String... args) {
    return run(kubectl, List.of(args), Map.of(), null, out);
  }

  /** The kubectl this test runs. */
  Path kubectlPath() {
    return kubectl;
  }

  Result run(Path tool, List<String> args, Map<String, String> env, String input) {
    return run(tool, args, env, input, null);
  }

  private Result run(
      Path tool, List<String> args, Map<String, String> env, String input, Path stdoutFile) {
    List<String> command = new ArrayList<>();
    command.add(tool.toString());
    command.addAll(args);
    try {
      Path out = stdoutFile != null ? stdoutFile : Files.createTempFile(scratch, "out", ".txt");
      Path err = Files.createTempFile(scratch, "err", ".txt");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      // helm keeps its cache and config here, not in the user's home
      pb.environment().put("HELM_CACHE_HOME", scratch.resolve("helm-cache").toString());
      pb.environment().put("HELM_CONFIG_HOME", scratch.resolve("helm-config").toString());
      pb.environment().put("HELM_DATA_HOME", scratch.resolve("helm-data").toString());
      Process p = pb.start();
      try (var stdin = p.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "timed out after "
                + COMMAND_TIMEOUT
                + ": "
                + command
                + "\n"
                + Files.readString(out)
                + Files.readString(err));
      }
      Result r =
          new Result(
              p.exitValue(),
              stdoutFile != null ? "" : Files.readString(out),
              Files.readString(err));
      System.out.println(
          "["
              + tag
              + "] "
              + tool.getFileName()
              + " "
              + String.join(" ", args)
              + " -> exit "
              + r.exitCode()
              + (r.exitCode() == 0 ? "" : "\n" + r.stderr()));
      return r;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * A long-running kubectl (get -w, logs -f, port-forward) whose output lines are watched;
   * destroyed on close.
   */
  Streaming stream(List<String> args, Map<String, String> env) throws IOException {
    return Streaming.start(kubectl, args, env, kubeconfig);
  }

  static final class Streaming implements AutoCloseable {
    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final List<Awaited> waiting = new CopyOnWriteArrayList<>();

    private record Awaited(Predicate<String> matches, CompletableFuture<String> line) {}

    private Streaming(Process process) {
      this.process = process;
    }

    static Streaming start(Path tool, List<String> args, Map<String, String> env, Path kubeconfig)
        throws IOException {
      List<String> command = new ArrayList<>();
      command.add(tool.toString());
      command.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().putAll(env);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      Streaming s = new Streaming(pb.start());
      s.process.getOutputStream().close();
      Thread reader = new Thread(s::read, "kubectl-" + args.get(0) + "-output");
      reader.setDaemon(true);
      reader.start();
      return s;
    }

    private void read() {
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          for (Awaited a : waiting) {
            if (a.matches().test(line)) {
              a.line().complete(line);
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
      waiting.forEach(a -> a.line().complete(null));
    }

    /**
     * The first line so far or to come that matches, or null when the process ended first; at most
     * two minutes.
     */
    String awaitLine(Predicate<String> matches) throws Exception {
      CompletableFuture<String> line = new CompletableFuture<>();
      waiting.add(new Awaited(matches, line));
      synchronized (output) {
        output.toString().lines().filter(matches).findFirst().ifPresent(line::complete);
      }
      if (!process.isAlive()) {
        line.complete(null);
      }
      return line.get(2, TimeUnit.MINUTES);
    }

    boolean isAlive() {
      return process.isAlive();
    }

    String output() {
      synchronized (output) {
        return output.toString();
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
