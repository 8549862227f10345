package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.ray.process.JvmReaper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real child JVM starts an emulated environment with real Ray, gets {@code kill -9}, and within a
 * bounded wait none of its Ray processes, listening ports, environment directory or Ray temp dirs
 * is left: its reaper ends them, not the next run.
 */
class KilledJvmLeavesNothingIT {

  /**
   * Generous: on a 2-core machine shared with other builds a Ray cluster can take minutes to be
   * ready.
   */
  private static final Duration STARTUP = Duration.ofMinutes(9);

  /**
   * "Within seconds": the reaper's sweeps take about a second; a loaded 2-core machine gets some
   * slack.
   */
  private static final Duration GONE = Duration.ofSeconds(30);

  private static final Pattern RAY_TEMP_DIR = Pattern.compile("/tmp/krh-[0-9a-f]{8}");

  @ParameterizedTest(name = "killed while the cluster is {0}")
  @ValueSource(strings = {"ready", "starting"})
  @DisplayName(
      "kill -9 of the JVM leaves no Ray process, listening port, environment dir or Ray temp dir")
  void killedJvmLeavesNothing(String when) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                KilledJvmChild.class.getName(),
                when)
            .redirectErrorStream(true)
            .start();
    try {
      Map<String, String> said = readUntilUp(child);
      String owner = said.get("OWNER");
      Path envDir = Path.of(said.get("DIR"));
      if (when.equals("starting")) {
        // Kill it while Ray nodes are being launched: the head's GCS runs, the cluster is not ready
        // yet.
        Waits.until(
            "child JVM " + child.pid(),
            "a gcs_server of it",
            STARTUP,
            () -> marked(owner),
            s -> s.stream().anyMatch(pid -> commandLine(pid).contains("gcs_server")),
            Set::toString,
            null);
      }
      Set<Long> pids = marked(owner);
      Set<Integer> ports = new TreeSet<>(listeningPorts(pids));
      ports.addAll(listeningPorts(Set.of(child.pid())));
      Set<String> rayDirs = rayTempDirs(pids);
      assertThat(pids).as("Ray processes of the child").isNotEmpty();
      assertThat(envDir).isDirectory();
      System.out.printf(
          "[kill -9] %s: %d processes, ports %s, dirs %s %s%n",
          when, pids.size(), ports, envDir, rayDirs);

      long killedAt = System.nanoTime();
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

      Waits.until(
          "what child JVM " + child.pid() + " left",
          "no process, listening port or directory",
          GONE,
          () -> leftovers(owner, ports, envDir, rayDirs),
          List::isEmpty,
          List::toString,
          null);
      System.out.printf(
          "[kill -9] %s: nothing left %d ms after the kill%n",
          when, (System.nanoTime() - killedAt) / 1_000_000);
    } finally {
      child.destroyForcibly();
    }
  }

  private static List<String> leftovers(
      String owner, Set<Integer> ports, Path envDir, Set<String> rayDirs) {
    List<String> left = new ArrayList<>();
    Set<Long> pids = marked(owner);
    if (!pids.isEmpty()) {
      left.add("processes " + pids);
    }
    Set<Integer> listening = allListeningPorts();
    ports.stream().filter(listening::contains).forEach(p -> left.add("port " + p));
    if (Files.exists(envDir)) {
      left.add("dir " + envDir);
    }
    rayDirs.stream().filter(d -> Files.exists(Path.of(d))).forEach(d -> left.add("dir " + d));
    return left;
  }

  private static Map<String, String> readUntilUp(Process child) throws Exception {
    Map<String, String> said = new HashMap<>();
    StringBuilder output = new StringBuilder();
    CompletableFuture<Void> reading =
        CompletableFuture.runAsync(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.append(line).append('\n');
                  if (line.startsWith("OWNER ") || line.startsWith("DIR ")) {
                    int space = line.indexOf(' ');
                    said.put(line.substring(0, space), line.substring(space + 1));
                  } else if (line.equals("UP")) {
                    said.put("UP", "");
                    return;
                  }
                }
              } catch (IOException e) {
                // the child died: reported below
              }
            });
    try {
      reading.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "child JVM did not start its environment within " + STARTUP + ":\n" + output);
    }
    assertThat(said).as("child output:\n%s", output).containsKeys("OWNER", "DIR", "UP");
    // Keep draining so the child never blocks on a full pipe.
    CompletableFuture.runAsync(
        () -> {
          try {
            child.getInputStream().transferTo(OutputStream.nullOutputStream());
          } catch (IOException e) {
            // gone
          }
        });
    return said;
  }

  /** Processes whose environment carries the owner marker. */
  private static Set<Long> marked(String owner) {
    byte[] needle =
        ("\0" + JvmReaper.OWNER_ENV + "=" + owner + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] first = (JvmReaper.OWNER_ENV + "=" + owner + "\0").getBytes(StandardCharsets.UTF_8);
    Set<Long> pids = new TreeSet<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .forEach(
              p -> {
                try {
                  byte[] env = Files.readAllBytes(p.resolve("environ"));
                  if (indexOf(env, needle) >= 0 || startsWith(env, first)) {
                    pids.add(Long.parseLong(p.getFileName().toString()));
                  }
                } catch (IOException | RuntimeException e) {
                  // gone, or not ours to read
                }
              });
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }

  private static String commandLine(long pid) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static Set<String> rayTempDirs(Set<Long> pids) {
    Set<String> dirs = new TreeSet<>();
    for (long pid : pids) {
      try {
        String cmd =
            new String(
                Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                StandardCharsets.UTF_8);
        Matcher m = RAY_TEMP_DIR.matcher(cmd);
        while (m.find()) {
          dirs.add(m.group());
        }
      } catch (IOException e) {
        // gone
      }
    }
    return dirs;
  }

  /**
   * TCP ports the given processes listen on: their socket inodes matched against /proc/net/tcp{,6}.
   */
  private static Set<Integer> listeningPorts(Set<Long> pids) {
    Set<String> inodes = new TreeSet<>();
    for (long pid : pids) {
      try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
        fds.forEach(
            fd -> {
              try {
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[")) {
                  inodes.add(target.substring(8, target.length() - 1));
                }
              } catch (IOException e) {
                // closed meanwhile
              }
            });
      } catch (IOException e) {
        // gone
      }
    }
    Set<Integer> ports = new TreeSet<>();
    forEachListening(
        (port, inode) -> {
          if (inodes.contains(inode)) {
            ports.add(port);
          }
        });
    return ports;
  }

  private static Set<Integer> allListeningPorts() {
    Set<Integer> ports = new TreeSet<>();
    forEachListening((port, inode) -> ports.add(port));
    return ports;
  }

  private static void forEachListening(BiConsumer<Integer, String> action) {
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        List<String> lines = Files.readAllLines(Path.of(table));
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[3].equals("0A")) { // LISTEN
            String local = f[1];
            action.accept(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16), f[9]);
          }
        }
      } catch (IOException e) {
        // no IPv6
      }
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static boolean startsWith(byte[] env, byte[] prefix) {
    if (env.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (env[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
