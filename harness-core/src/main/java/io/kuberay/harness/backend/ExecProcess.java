package io.kuberay.harness.backend;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A command started in a pod's container with its standard streams attached, as {@code kubectl
 * exec} drives it: the caller writes standard input (closing it is end of file) and reads standard
 * output and error as the command writes them, byte for byte.
 */
public interface ExecProcess extends AutoCloseable {

  /** What the command reads as standard input; closing it gives the command end of file. */
  OutputStream stdin();

  /** Standard output as written; with a terminal, everything the terminal shows. */
  InputStream stdout();

  /** Standard error as written; empty with a terminal (it writes to the terminal). */
  InputStream stderr();

  /**
   * Sets the size of the command's terminal, as a terminal window's resize does; nothing when it
   * runs without one. May block briefly.
   */
  default void resize(int columns, int rows) {}

  /** Waits for the command to exit; its exit code (128 + the signal when a signal ended it). */
  int waitFor() throws InterruptedException;

  /** Ends the command and everything it started, if it still runs; idempotent. */
  @Override
  void close();
}
