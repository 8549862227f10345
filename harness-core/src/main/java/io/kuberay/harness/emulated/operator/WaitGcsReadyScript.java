package io.kuberay.harness.emulated.operator;

import io.kuberay.harness.KubeRayVersion;

/**
 * The script of the {@code wait-gcs-ready} init container, character for character as each operator
 * release renders it (a Go raw string indented with tabs), so that {@code kubectl get pod -o yaml}
 * matches.
 */
final class WaitGcsReadyScript {

  private static final String TEMPLATE =
      String.join(
          "\n",
          "",
          "\t\t\t\t\tSECONDS=0",
          "\t\t\t\t\twhile true; do",
          "\t\t\t\t\t\tif (( SECONDS <= 120 )); then",
          "\t\t\t\t\t\t\tif ray health-check --address %1$s > /dev/null 2>&1; then",
          "\t\t\t\t\t\t\t\techo \"GCS is ready.\"",
          "\t\t\t\t\t\t\t\tbreak",
          "\t\t\t\t\t\t\tfi",
          "\t\t\t\t\t\t\techo \"$SECONDS seconds elapsed: Waiting for GCS to be ready.\"",
          "\t\t\t\t\t\telse",
          "\t\t\t\t\t\t\tif ray health-check --address %1$s; then",
          "\t\t\t\t\t\t\t\techo \"GCS is ready. Any error messages above can be safely ignored.\"",
          "\t\t\t\t\t\t\t\tbreak",
          "\t\t\t\t\t\t\tfi",
          "\t\t\t\t\t\t\techo \"$SECONDS seconds elapsed: Still waiting for GCS to be ready. For troubleshooting, refer to the FAQ at %2$s.\"",
          "\t\t\t\t\t\tfi",
          "\t\t\t\t\t\tsleep 5%3$s",
          "\t\t\t\t\tdone",
          "\t\t\t\t");

  private WaitGcsReadyScript() {}

  static String of(KubeRayVersion version, String gcsAddress) {
    boolean modern = version.isAtLeast(KubeRayVersion.V1_5_0);
    String faq =
        modern
            ? "https://docs.ray.io/en/master/cluster/kubernetes/troubleshooting.html"
            : "https://github.com/ray-project/kuberay/blob/master/docs/guidance/FAQ.md";
    // v1.1.0's source has two stray tabs after "sleep 5".
    return String.format(TEMPLATE, gcsAddress, faq, modern ? "" : "\t\t");
  }
}
