package io.kuberay.harness;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KubeRay release the harness knows how to install and emulate.
 *
 * <p>Parse user input with {@link #of(String)}: {@code "v1.1.0"} and {@code "1.1.0"} are the same
 * version.
 */
public final class KubeRayVersion implements Comparable<KubeRayVersion> {

  /** The release the KubeRay quick-start tutorial uses. */
  public static final KubeRayVersion V1_1_0 = new KubeRayVersion(1, 1, 0);

  /** The newest release of the operator's Go module on the Go module proxy. */
  public static final KubeRayVersion V1_5_0 = new KubeRayVersion(1, 5, 0);

  /** The newest upstream release. */
  public static final KubeRayVersion V1_7_0 = new KubeRayVersion(1, 7, 0);

  /**
   * The versions whose behaviour the emulated operator reproduces and whose manifests are bundled.
   */
  public static final List<KubeRayVersion> SUPPORTED = List.of(V1_1_0, V1_5_0, V1_7_0);

  /** The version used when nothing is configured: the tutorial's. */
  public static final KubeRayVersion DEFAULT = V1_1_0;

  private static final Pattern SEMVER = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)");

  private final int major;
  private final int minor;
  private final int patch;

  private KubeRayVersion(int major, int minor, int patch) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
  }

  /**
   * Parses a supported version.
   *
   * @throws IllegalArgumentException naming the supported versions when {@code text} is not one of
   *     them
   */
  public static KubeRayVersion of(String text) {
    Objects.requireNonNull(text, "KubeRay version must not be null");
    Matcher m = SEMVER.matcher(text.trim());
    if (m.matches()) {
      KubeRayVersion parsed =
          new KubeRayVersion(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
      for (KubeRayVersion known : SUPPORTED) {
        if (known.equals(parsed)) {
          return known;
        }
      }
    }
    throw new IllegalArgumentException(
        "Unknown KubeRay version '"
            + text
            + "'. Supported versions: "
            + SUPPORTED
            + ". Use one of them, e.g. kuberay.version=v1.1.0.");
  }

  /** Whether this release is the same as or newer than {@code other}. */
  public boolean isAtLeast(KubeRayVersion other) {
    return compareTo(other) >= 0;
  }

  /** The version without the leading {@code v}, as Helm chart versions spell it: {@code 1.1.0}. */
  public String number() {
    return major + "." + minor + "." + patch;
  }

  @Override
  public int compareTo(KubeRayVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KubeRayVersion v
        && v.major == major
        && v.minor == minor
        && v.patch == patch;
  }

  @Override
  public int hashCode() {
    return Objects.hash(major, minor, patch);
  }

  /** The tag spelling: {@code v1.1.0}. */
  @Override
  public String toString() {
    return "v" + number();
  }
}
