package io.kuberay.harness.k3s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads the one file of a tar stream, as Docker's archive endpoint returns for a file's path. */
final class TarEntry {

  private static final int BLOCK = 512;

  private TarEntry() {}

  /** The content of the first entry, which must be a regular file. */
  static byte[] first(byte[] tar) throws IOException {
    if (tar.length < BLOCK) {
      throw new IOException("Not a tar archive: " + tar.length + " bytes");
    }
    byte type = tar[156];
    if (type != '0' && type != 0) {
      throw new IOException(
          "The archive's first entry "
              + field(tar, 0, 100)
              + " is not a regular file (type '"
              + (char) type
              + "')");
    }
    long size;
    try {
      size = Long.parseLong(field(tar, 124, 12).trim(), 8);
    } catch (NumberFormatException e) {
      throw new IOException("The archive's first entry has no readable size", e);
    }
    if (BLOCK + size > tar.length) {
      throw new IOException("The archive ends inside its first entry (" + size + " bytes)");
    }
    return Arrays.copyOfRange(tar, BLOCK, BLOCK + (int) size);
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }
}
