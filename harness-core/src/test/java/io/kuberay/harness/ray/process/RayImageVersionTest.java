package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RayImageVersionTest {

  @ParameterizedTest(name = "{0} holds Ray {1}")
  @CsvSource({
    "rayproject/ray:2.9.0, 2.9.0",
    "rayproject/ray:2.46.0-py311, 2.46.0",
    "rayproject/ray:2.41.0-py310-gpu, 2.41.0",
    "rayproject/ray:2.34.0-cpu, 2.34.0",
    "rayproject/ray:2.52.0-py312-aarch64, 2.52.0",
    "rayproject/ray:2.46.0-py311-cu121, 2.46.0",
    "rayproject/ray-ml:2.9.0-py310-gpu, 2.9.0",
    "rayproject/ray-llm:2.46.0-py311-cu124, 2.46.0",
    "docker.io/rayproject/ray:2.41.0, 2.41.0",
    "registry.local:5000/mirror/rayproject/ray:2.34.0, 2.34.0",
    "kuberay-harness/ray:2.52.0, 2.52.0",
    "rayproject/ray:2.52.0@sha256:0123abcd, 2.52.0",
    "rayproject/ray:2.53.0.6b9a9c-py311, 2.53.0",
    "RayProject/Ray:2.9.0, 2.9.0",
  })
  void aRayImageTagNamesItsRelease(String image, String version) {
    RayImageVersion v = RayImageVersion.of(image);

    assertThat(v.isRayImage()).isTrue();
    assertThat(v.version()).contains(version);
  }

  @ParameterizedTest(name = "{0} is Ray's, with no version")
  @ValueSource(
      strings = {
        "rayproject/ray:latest",
        "rayproject/ray",
        "rayproject/ray:nightly-py311",
        "rayproject/ray:latest-gpu",
        "registry.local:5000/rayproject/ray",
        "rayproject/ray:2.9"
      })
  void aRayImageWithoutAReleaseTagHasNoVersion(String image) {
    RayImageVersion v = RayImageVersion.of(image);

    assertThat(v.isRayImage()).isTrue();
    assertThat(v.version()).isEmpty();
  }

  @ParameterizedTest(name = "{0} is not Ray's")
  @ValueSource(
      strings = {
        "myorg/ray-app:1.2.0",
        "busybox",
        "python:3.11",
        "registry.local:5000/ray-app:2.9.0",
        "myorg/rayproject:2.9.0",
        "myray:2.46.0"
      })
  void otherImagesAreNotRayImages(String image) {
    RayImageVersion v = RayImageVersion.of(image);

    assertThat(v.isRayImage()).isFalse();
    assertThat(v.version()).isEmpty();
  }

  @ParameterizedTest(name = "{0} is a published form")
  @ValueSource(
      strings = {
        "rayproject/ray:2.46.0",
        "rayproject/ray:2.46.0-py310",
        "rayproject/ray:2.46.0-py311-cpu",
        "rayproject/ray:2.41.0-py310-gpu",
        "rayproject/ray:2.52.0-py312-aarch64",
        "rayproject/ray:2.46.0-py311-cu121",
        "rayproject/ray:2.9.0-extra-py310-cu118",
        "rayproject/ray-ml:2.46.0.0e19ea-py39-gpu",
        "rayproject/ray-llm:2.46.0-py311-cu124",
        "rayproject/ray:nightly-gpu",
        "rayproject/ray:latest",
        "rayproject/ray",
        "docker.io/rayproject/ray:2.41.0-cpu@sha256:0123abcd",
        "rayproject/ray:8960af-py39",
        // Other owners and registries name their tags as they like.
        "registry.local/rayproject/ray:2.41.0-withdeps",
        "myorg/ray:2.46.0-team-build",
        "kuberay-harness/ray:2.52.0-anything"
      })
  void publishedFormsAndOtherRegistriesRaiseNoPullProblem(String image) {
    assertThat(RayImageVersion.of(image).unpublishedTagProblem()).isEmpty();
  }

  @ParameterizedTest(name = "{0} cannot be pulled")
  @CsvSource({
    "rayproject/ray:2.46.0-doesnotexist, doesnotexist, rayproject/ray:2.46.0",
    "docker.io/rayproject/ray:2.52.0-py311-cpuu, cpuu, docker.io/rayproject/ray:2.52.0",
    "rayproject/ray-ml:2.9.0-gpu-, '', rayproject/ray-ml:2.9.0",
    "rayproject/ray:nightly-py311-debug@sha256:0123abcd, debug, rayproject/ray:latest",
  })
  void anUnpublishedTagOfRaysOwnRepositoryIsAPullFailureNamingThePartAndAFix(
      String image, String part, String suggestion) {
    assertThat(RayImageVersion.of(image).unpublishedTagProblem())
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .startsWith("image \"" + image + "\"")
                    .contains("no tag with \"-" + part + "\"")
                    .contains("\"not found\"")
                    .contains("such as " + suggestion + ","));
  }
}
