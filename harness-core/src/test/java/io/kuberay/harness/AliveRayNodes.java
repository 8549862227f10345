package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

/** How many nodes Ray itself counts alive, asked from the head pod (the fault tests' check). */
final class AliveRayNodes {

  private static final String SCRIPT =
      "import ray; ray.init(); print('alive', sum(1 for n in ray.nodes() if n['Alive']))";

  private AliveRayNodes() {}

  static int in(PodHandle head) {
    ExecResult r = head.exec("python", "-c", SCRIPT);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    String line = r.stdout().lines().filter(l -> l.startsWith("alive ")).findFirst().orElseThrow();
    return Integer.parseInt(line.substring("alive ".length()).trim());
  }
}
