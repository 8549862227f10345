package io.kuberay.harness.emulated.support;

import java.nio.charset.StandardCharsets;

/**
 * The part of a container's log a {@code pods/log} request asks for ({@code tailLines}, {@code
 * limitBytes}), as the kubelet cuts it; one rule for the HTTPS front and the in-process client.
 */
public final class LogSelection {

  private LogSelection() {}

  public static String select(String text, QueryString query) {
    String tail = query.first("tailLines");
    if (tail != null) {
      int n = Integer.parseInt(tail);
      String[] lines = text.split("(?<=\n)");
      StringBuilder kept = new StringBuilder();
      for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
        kept.append(lines[i]);
      }
      text = n <= 0 ? "" : kept.toString();
    }
    String limit = query.first("limitBytes");
    if (limit != null) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      int n = (int) Math.min(bytes.length, Long.parseLong(limit));
      text = new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
    return text;
  }
}
