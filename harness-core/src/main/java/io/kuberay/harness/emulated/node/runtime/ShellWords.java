package io.kuberay.harness.emulated.node.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line split into words as bash splits and unquotes it, for the operator's generated
 * {@code ray start} line that the container's shell would run: single quotes keep everything,
 * double quotes keep everything but {@code \"}, {@code \\}, {@code \$} and {@code \`} escapes, an
 * unquoted backslash escapes the next character. So KubeRay's {@code ray-job.resources.yaml}
 * ({@code resources: '"{\"resource1\": 2}"'}, rendered {@code --resources="{\"resource1\": 2}"})
 * gives the one word {@code --resources={"resource1": 2}}. Variables are left for {@link
 * ShellVariables}; {@code $} stays as written (an escaped one too, which is close enough for flag
 * values).
 */
final class ShellWords {

  private ShellWords() {}

  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        end = end < 0 ? line.length() : end;
        word.append(line, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        i++;
        while (i < line.length() && line.charAt(i) != '"') {
          char d = line.charAt(i);
          if (d == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
            word.append(line.charAt(i + 1));
            i += 2;
          } else {
            word.append(d);
            i++;
          }
        }
        inWord = true;
        i++;
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(i + 1));
        inWord = true;
        i += 2;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
