package io.kuberay.harness.emulated.support;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The random five-character suffix Kubernetes appends to generated names (its alphabet avoids
 * vowels and look-alikes).
 */
public final class NameSuffix {

  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private NameSuffix() {}

  public static String random() {
    StringBuilder s = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      s.append(ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ALPHABET.length())));
    }
    return s.toString();
  }
}
