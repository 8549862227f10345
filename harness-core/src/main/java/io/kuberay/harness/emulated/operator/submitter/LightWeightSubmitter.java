package io.kuberay.harness.emulated.operator.submitter;

import io.fabric8.kubernetes.api.model.Container;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.ray.JobSubmission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * KubeRay's light-weight submitter ({@code kuberay/submitter}, ray-operator/rayjob-submitter/cmd):
 * a Go binary, {@code /submitter}, that submits one Ray job to {@code $RAY_DASHBOARD_ADDRESS} under
 * {@code $RAY_JOB_SUBMISSION_ID} and tails its log. Its contract is its command line, read here as
 * its pflag flag set reads it; the emulated operator then does what the binary does.
 */
public final class LightWeightSubmitter {

  /** What the command line asks for, or why the binary would exit before submitting. */
  public record Invocation(Optional<JobSubmission> submission, String error, int exitCode) {
    static Invocation failed(String error, int exitCode) {
      return new Invocation(Optional.empty(), error, exitCode);
    }
  }

  private static final List<String> STRING_FLAGS =
      List.of("runtime-env-json", "metadata-json", "entrypoint-resources");
  private static final List<String> FLOAT_FLAGS =
      List.of("entrypoint-num-cpus", "entrypoint-num-gpus");

  private LightWeightSubmitter() {}

  /** A submitter container that runs {@code /submitter}, the image's entrypoint. */
  public static boolean runs(Container container) {
    List<String> command = container.getCommand();
    if (command == null || command.isEmpty()) {
      return false;
    }
    String program = command.get(0);
    return program.equals("/submitter") || program.endsWith("/submitter");
  }

  /**
   * Reads the container's arguments (the command's own after {@code /submitter}, then {@code args})
   * as {@code main.go} does: the flags, then the entrypoint from the arguments that are not flags,
   * joined by spaces.
   *
   * @param submissionId {@code RAY_JOB_SUBMISSION_ID}
   */
  public static Invocation parse(Container container, String submissionId) {
    List<String> argv =
        new ArrayList<>(container.getCommand().subList(1, container.getCommand().size()));
    if (container.getArgs() != null) {
      argv.addAll(container.getArgs());
    }
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < argv.size(); i++) {
      String arg = argv.get(i);
      if (arg.equals("--")) {
        positional.addAll(argv.subList(i + 1, argv.size()));
        break;
      }
      if (!arg.startsWith("-") || arg.equals("-")) {
        positional.add(arg); // pflag intersperses flags and arguments
        continue;
      }
      if (!arg.startsWith("--")) {
        return Invocation.failed("unknown shorthand flag: '" + arg.charAt(1) + "' in " + arg, 2);
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (!STRING_FLAGS.contains(name) && !FLOAT_FLAGS.contains(name)) {
        return Invocation.failed("unknown flag: --" + name, 2);
      }
      if (value == null) {
        if (i + 1 >= argv.size()) {
          return Invocation.failed("flag needs an argument: --" + name, 2);
        }
        value = argv.get(++i);
      }
      flags.put(name, value);
    }
    Map<String, Double> numbers = new LinkedHashMap<>();
    for (String name : FLOAT_FLAGS) {
      String raw = flags.get(name);
      if (raw == null) {
        continue;
      }
      double value;
      try {
        value = Double.parseDouble(raw);
      } catch (NumberFormatException e) {
        return Invocation.failed(
            "invalid argument \""
                + raw
                + "\" for \"--"
                + name
                + "\" flag: strconv.ParseFloat: parsing \""
                + raw
                + "\": invalid syntax",
            2);
      }
      numbers.put(name, value);
    }
    if (positional.isEmpty()) {
      // The binary would send Ray an empty entrypoint; the emulated one stops here and says why.
      return Invocation.failed(
          "no entrypoint: the submitter's arguments after its flags (after \"--\") are the"
              + " job's entrypoint, and there are none",
          1);
    }
    JobSubmission submission =
        JobSubmission.entrypoint(String.join(" ", positional)).withSubmissionId(submissionId);
    try {
      // RayJobRequest's fields are omitempty: 0 is not sent.
      if (numbers.getOrDefault("entrypoint-num-cpus", 0.0) != 0) {
        submission = submission.withEntrypointNumCpus(numbers.get("entrypoint-num-cpus"));
      }
      if (numbers.getOrDefault("entrypoint-num-gpus", 0.0) != 0) {
        submission = submission.withEntrypointNumGpus(numbers.get("entrypoint-num-gpus"));
      }
      if (flags.containsKey("runtime-env-json") && !flags.get("runtime-env-json").isEmpty()) {
        submission = submission.withRuntimeEnv(object(flags.get("runtime-env-json")));
      }
      if (flags.containsKey("metadata-json") && !flags.get("metadata-json").isEmpty()) {
        Map<String, String> metadata = new LinkedHashMap<>();
        object(flags.get("metadata-json")).forEach((k, v) -> metadata.put(k, stringValue(v)));
        submission = submission.withMetadata(metadata);
      }
      if (flags.containsKey("entrypoint-resources")
          && !flags.get("entrypoint-resources").isEmpty()) {
        Map<String, Double> resources = new LinkedHashMap<>();
        object(flags.get("entrypoint-resources")).forEach((k, v) -> resources.put(k, number(v)));
        submission = submission.withEntrypointResources(resources);
      }
    } catch (IllegalArgumentException e) {
      return Invocation.failed(e.getMessage(), 1);
    }
    return new Invocation(Optional.of(submission), null, 0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(String json) {
    Object parsed;
    try {
      parsed = Json.SERDE.unmarshal(json, Object.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid JSON: " + json);
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("json: cannot unmarshal " + json + " into a JSON object");
    }
    return (Map<String, Object>) map;
  }

  private static String stringValue(Object v) {
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(
          "json: cannot unmarshal " + v + " into Go value of type string");
    }
    return s;
  }

  private static double number(Object v) {
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(
          "json: cannot unmarshal " + v + " into Go value of type float32");
    }
    return n.doubleValue();
  }
}
