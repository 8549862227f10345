package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * KubeRay v1.7.0's ray-cluster.auth.yaml ({@code authOptions: {mode: token}}) became ready with no
 * token Secret and no RAY_AUTH_* env and no word about it: the operator now says so.
 */
class AuthNotEmulatedTest {

  private static final String GROUP =
      "  headGroupSpec: {rayStartParams: {}, template: {spec: {containers: [{name: ray-head,"
          + " image: 'rayproject/ray:2.53.0'}]}}}\n";

  @Test
  void tokenModeIsNamedAsNotEmulated() {
    assertThat(
            RayClusterController.authNotEmulated(
                UpstreamSpecs.cluster("  authOptions: {mode: token}\n" + GROUP)))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .startsWith("spec.authOptions.mode=token is not emulated")
                    .contains("RAY_AUTH_TOKEN")
                    .contains("k3s backend"));
  }

  @Test
  void withoutAuthOrWithAuthDisabledNothingIsSaid() {
    assertThat(RayClusterController.authNotEmulated(UpstreamSpecs.cluster(GROUP))).isEmpty();
    assertThat(
            RayClusterController.authNotEmulated(
                UpstreamSpecs.cluster("  authOptions: {mode: disabled}\n" + GROUP)))
        .isEmpty();
  }
}
