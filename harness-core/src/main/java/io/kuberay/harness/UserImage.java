package io.kuberay.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the user's own image holds, for the emulated backend (which pulls no image): a local
 * directory the image's containers see, read-only, at {@code mountPath}, optionally a requirements
 * file installed into the Ray runtime of the pods that run it, and the Ray version it is built on.
 * Matched by image name: {@code myorg/ray-app:*} ({@code *} stands for any text) matches {@code
 * myorg/ray-app:1.2}; an exact name matches itself. Names are compared as the container runtime
 * reads them: {@code myorg/ray-app:1.2}, {@code docker.io/myorg/ray-app:1.2} and {@code
 * index.docker.io/myorg/ray-app:1.2} are one image, {@code ubuntu} is {@code
 * docker.io/library/ubuntu:latest}; a pattern matches an image when it matches any of its
 * spellings.
 *
 * <pre>{@code
 * UserImage.named("myorg/ray-app:*").withDirectory(Path.of("src/test/app"), "/app")
 *     .withRequirements(Path.of("src/test/app/requirements.txt")).basedOnRay("2.46.0")
 * }</pre>
 *
 * <p>The k3s and existing backends run the real image and ignore this.
 */
public final class UserImage {

  /** Where the directory appears when no mount path is given. */
  public static final String DEFAULT_MOUNT_PATH = "/app";

  private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");

  private final String pattern;
  private final Pattern compiled;
  private final Path directory;
  private final String mountPath;
  private final Optional<Path> requirements;
  private final Optional<String> rayVersion;

  private UserImage(
      String pattern,
      Path directory,
      String mountPath,
      Optional<Path> requirements,
      Optional<String> rayVersion) {
    this.pattern = pattern;
    // An exact name is compared in its qualified form, so "ubuntu" is "ubuntu:latest" too.
    this.compiled = glob(pattern.contains("*") ? pattern : spellings(pattern).get(1));
    this.directory = directory;
    this.mountPath = mountPath;
    this.requirements = requirements;
    this.rayVersion = rayVersion;
  }

  /**
   * An image (or images: {@code *} stands for any text) whose directory is given next with {@link
   * #withDirectory(Path, String)}; until then it holds the current directory at {@value
   * #DEFAULT_MOUNT_PATH}.
   *
   * @throws IllegalArgumentException when the pattern is blank or has whitespace
   */
  public static UserImage named(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    String p = pattern.trim();
    if (p.isEmpty() || p.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "A user image needs an image name or pattern without spaces, e.g. myorg/ray-app:*; was '"
              + pattern
              + "'");
    }
    return new UserImage(
        p, Path.of("").toAbsolutePath(), DEFAULT_MOUNT_PATH, Optional.empty(), Optional.empty());
  }

  /**
   * The image holds {@code directory} (relative: to the working directory) at {@code mountPath}.
   *
   * @throws IllegalArgumentException when the mount path is not absolute
   */
  public UserImage withDirectory(Path directory, String mountPath) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(mountPath, "mountPath");
    if (!mountPath.startsWith("/") || mountPath.equals("/")) {
      throw new IllegalArgumentException(
          "The mount path of image "
              + pattern
              + " must be an absolute path below /, e.g. /app; was '"
              + mountPath
              + "'");
    }
    return new UserImage(
        pattern, directory.toAbsolutePath().normalize(), mountPath, requirements, rayVersion);
  }

  /**
   * The image has these Python packages (a pip requirements file) next to Ray: its pods run a Ray
   * runtime with them installed, provisioned once per Ray version and file content.
   */
  public UserImage withRequirements(Path requirementsFile) {
    Objects.requireNonNull(requirementsFile, "requirementsFile");
    return new UserImage(
        pattern,
        directory,
        mountPath,
        Optional.of(requirementsFile.toAbsolutePath().normalize()),
        rayVersion);
  }

  /**
   * The image is built from {@code rayproject/ray:<version>}: its pods run that Ray (else the
   * RayCluster's {@code rayVersion}, else the harness's default).
   *
   * @throws IllegalArgumentException when the version is not of the form X.Y.Z
   */
  public UserImage basedOnRay(String version) {
    Objects.requireNonNull(version, "version");
    if (!VERSION.matcher(version.trim()).matches()) {
      throw new IllegalArgumentException(
          "The Ray version of image "
              + pattern
              + " must be X.Y.Z, e.g. 2.46.0; was '"
              + version
              + "'");
    }
    return new UserImage(pattern, directory, mountPath, requirements, Optional.of(version.trim()));
  }

  /** Whether {@code image}, in any of its spellings, is this one (or matches its pattern). */
  public boolean matches(String image) {
    return image != null
        && spellings(image.trim()).stream().anyMatch(s -> compiled.matcher(s).matches());
  }

  /**
   * The names a container runtime reads as the same image: as written, fully qualified ({@code
   * docker.io/library/ubuntu:latest}) and, on Docker Hub, in the short form ({@code
   * ubuntu:latest}).
   */
  static List<String> spellings(String image) {
    String rest = image;
    String digest = "";
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at);
      rest = rest.substring(0, at);
    }
    String tag = "";
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon);
      rest = rest.substring(0, colon);
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = ":latest";
    }
    // A first component with a dot or port, or "localhost", is a registry (Docker's rule).
    int slash = rest.indexOf('/');
    String first = slash < 0 ? "" : rest.substring(0, slash);
    boolean registry = first.contains(".") || first.contains(":") || first.equals("localhost");
    String domain = registry ? first : "docker.io";
    String path = registry ? rest.substring(slash + 1) : rest;
    if (domain.equals("index.docker.io")) {
      domain = "docker.io";
    }
    List<String> all = new ArrayList<>(List.of(image, domain + "/" + path + tag + digest));
    if (domain.equals("docker.io")) {
      if (!path.contains("/")) {
        all.set(1, domain + "/library/" + path + tag + digest);
      }
      String familiar = path.startsWith("library/") ? path.substring("library/".length()) : path;
      all.add(familiar + tag + digest);
    }
    return List.copyOf(all);
  }

  public String pattern() {
    return pattern;
  }

  public Path directory() {
    return directory;
  }

  public String mountPath() {
    return mountPath;
  }

  public Optional<Path> requirements() {
    return requirements;
  }

  public Optional<String> rayVersion() {
    return rayVersion;
  }

  /**
   * Reads the setting's form: entries separated by {@code ,}, each {@code
   * pattern=directory[:mountPath][;requirements=file][;rayVersion=X.Y.Z]}, e.g. {@code
   * myorg/ray-app:*=/src/app:/app;requirements=/src/app/requirements.txt}.
   *
   * @param key the setting's name, for errors
   * @throws IllegalArgumentException naming the setting, the entry and the expected form
   */
  public static List<UserImage> parseAll(String key, String text) {
    List<UserImage> all = new ArrayList<>();
    for (String entry : text.split(",")) {
      if (!entry.isBlank()) {
        all.add(parse(key, entry.trim()));
      }
    }
    return List.copyOf(all);
  }

  private static UserImage parse(String key, String entry) {
    String form =
        " Expected pattern=directory[:mountPath][;requirements=file][;rayVersion=X.Y.Z], e.g. "
            + "myorg/ray-app:*=/src/app:/app";
    int eq = entry.indexOf('=');
    if (eq <= 0 || eq == entry.length() - 1) {
      throw new IllegalArgumentException(
          key + ": '" + entry + "' does not map an image to a directory." + form);
    }
    String[] parts = entry.substring(eq + 1).split(";");
    String location = parts[0].trim();
    int colon = location.indexOf(':');
    String dir = colon < 0 ? location : location.substring(0, colon);
    String mount = colon < 0 ? DEFAULT_MOUNT_PATH : location.substring(colon + 1);
    if (dir.isBlank()) {
      throw new IllegalArgumentException(key + ": '" + entry + "' names no directory." + form);
    }
    try {
      UserImage image = named(entry.substring(0, eq)).withDirectory(Path.of(dir), mount);
      for (int i = 1; i < parts.length; i++) {
        String option = parts[i].trim();
        if (option.startsWith("requirements=") && option.length() > "requirements=".length()) {
          image = image.withRequirements(Path.of(option.substring("requirements=".length())));
        } else if (option.startsWith("rayVersion=")) {
          image = image.basedOnRay(option.substring("rayVersion=".length()));
        } else if (!option.isEmpty()) {
          throw new IllegalArgumentException(
              "'" + option + "' is neither requirements=file nor rayVersion=X.Y.Z");
        }
      }
      return image;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key + ": '" + entry + "': " + e.getMessage() + "." + form, e);
    }
  }

  /** {@code *} stands for any text, everything else for itself. */
  private static Pattern glob(String pattern) {
    return Pattern.compile(String.join(".*", quoteParts(pattern)));
  }

  private static List<String> quoteParts(String pattern) {
    List<String> quoted = new ArrayList<>();
    for (String part : pattern.split("\\*", -1)) {
      quoted.add(part.isEmpty() ? "" : Pattern.quote(part));
    }
    return quoted;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserImage u
        && pattern.equals(u.pattern)
        && directory.equals(u.directory)
        && mountPath.equals(u.mountPath)
        && requirements.equals(u.requirements)
        && rayVersion.equals(u.rayVersion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pattern, directory, mountPath, requirements, rayVersion);
  }

  @Override
  public String toString() {
    return pattern
        + "="
        + directory
        + ":"
        + mountPath
        + requirements.map(r -> ";requirements=" + r).orElse("")
        + rayVersion.map(v -> ";rayVersion=" + v).orElse("");
  }
}
