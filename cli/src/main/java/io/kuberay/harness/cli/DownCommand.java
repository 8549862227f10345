package io.kuberay.harness.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./kuberay-harness down}: removes the k3s containers kept for reuse ({@code
 * kuberay.k3s.reuse=true}).
 */
final class DownCommand {

  /** The label every kept k3s container carries (harness-k3s' ReuseKey). */
  static final String LABEL = "io.kuberay.harness.k3s.reuse";

  private static final long TIMEOUT_SECONDS = 120;

  static final String USAGE =
      """
      Usage: ./kuberay-harness down

      Removes the k3s environments that runs with kuberay.k3s.reuse=true kept for the next run: every
      container labelled %s, running or not, with its volumes (docker rm -f -v: the node's
      containerd store, gigabytes each). Needs the docker command.
      """
          .formatted(LABEL);

  private DownCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0) {
      boolean help = args[0].equals("--help") || args[0].equals("-h");
      (help ? out : err)
          .print(
              (help ? "" : "kuberay-harness down: unexpected argument '" + args[0] + "'\n")
                  + USAGE);
      return help ? 0 : 2;
    }
    return remove("label=" + LABEL, out, err);
  }

  /** Removes the containers {@code docker ps --filter <filter>} lists. */
  static int remove(String filter, PrintStream out, PrintStream err) {
    try {
      List<String> ids =
          Arrays.stream(docker("ps", "-aq", "--filter", filter).split("\\s+"))
              .filter(s -> !s.isBlank())
              .toList();
      if (ids.isEmpty()) {
        out.println("No kept k3s environment (no container labelled " + LABEL + ").");
        return 0;
      }
      // -v: the node image's anonymous volumes hold its containerd store (the imported Ray image,
      // gigabytes); a plain rm -f leaves them on the disk for good.
      List<String> rm = new ArrayList<>(List.of("rm", "-f", "-v"));
      rm.addAll(ids);
      docker(rm.toArray(String[]::new));
      out.println("Removed " + ids.size() + " kept k3s environment(s): " + String.join(", ", ids));
      return 0;
    } catch (IOException | IllegalStateException e) {
      err.println("kuberay-harness down: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("kuberay-harness down: interrupted");
      return 1;
    }
  }

  private static String docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run docker ("
              + e.getMessage()
              + "); install the Docker CLI or remove the containers labelled "
              + LABEL
              + " another way",
          e);
    }
    process.getOutputStream().close();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "'" + String.join(" ", command) + "' did not finish within " + TIMEOUT_SECONDS + " s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "'"
              + String.join(" ", command)
              + "' failed (exit "
              + process.exitValue()
              + "): "
              + output.strip());
    }
    return output;
  }
}
