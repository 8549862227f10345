package io.kuberay.harness.emulated.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that touches java.util.logging: some libraries (fabric8's mock web server) log
 * through it rather than SLF4J, and only JUL can set their level. The harness itself logs through
 * SLF4J only; the architecture test enforces both.
 */
public final class JulLoggers {

  // JUL holds loggers weakly: keep a strong reference, or the level is lost with the logger.
  private static final List<Logger> QUIETED = new CopyOnWriteArrayList<>();

  private JulLoggers() {}

  /** Lets the named JUL logger through at WARNING and above only. */
  public static void warningsOnly(String loggerName) {
    Logger logger = Logger.getLogger(loggerName);
    logger.setLevel(Level.WARNING);
    QUIETED.add(logger);
  }
}
