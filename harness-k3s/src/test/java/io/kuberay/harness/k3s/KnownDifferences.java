package io.kuberay.harness.k3s;

import io.kuberay.harness.KubeRayVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The differences docs/PARITY.md lists: table rows whose first cell is a backticked path pattern
 * ({@code *} matches anything) and whose second cell names the versions it applies to ({@code all}
 * or e.g. {@code v1.1.0}).
 */
final class KnownDifferences {

  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|\\s*([^|]+?)\\s*\\|");

  private final List<Pattern> patterns;
  private final List<String> sources;

  private KnownDifferences(List<Pattern> patterns, List<String> sources) {
    this.patterns = patterns;
    this.sources = sources;
  }

  static KnownDifferences read(Path doc, KubeRayVersion version) throws IOException {
    List<Pattern> patterns = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    for (String line : Files.readAllLines(doc)) {
      Matcher m = ROW.matcher(line);
      if (m.find() && (m.group(2).equals("all") || m.group(2).contains(version.toString()))) {
        sources.add(m.group(1));
        patterns.add(Pattern.compile(glob(m.group(1))));
      }
    }
    return new KnownDifferences(patterns, sources);
  }

  boolean covers(String path) {
    return patterns.stream().anyMatch(p -> p.matcher(path).matches());
  }

  /** Listed patterns that match none of the observed differences. */
  List<String> unobserved(Collection<String> observed) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < patterns.size(); i++) {
      Pattern p = patterns.get(i);
      if (observed.stream().noneMatch(path -> p.matcher(path).matches())) {
        out.add(sources.get(i));
      }
    }
    return out;
  }

  private static String glob(String pattern) {
    return Arrays.stream(pattern.split("\\*", -1))
        .map(Pattern::quote)
        .collect(Collectors.joining(".*"));
  }
}
