package io.kuberay.harness.emulated.api.gc;

import java.util.Arrays;
import java.util.Optional;

/** DeleteOptions' {@code propagationPolicy}: what becomes of a deleted object's dependents. */
public enum Propagation {
  /** The dependents stay, without their ownerReference to the deleted object. */
  ORPHAN("Orphan"),
  /** The owner goes first (once its finalizers allow), the garbage collector then deletes them. */
  BACKGROUND("Background"),
  /** The owner waits, marked, until its blocking dependents are gone. */
  FOREGROUND("Foreground");

  private final String wire;

  Propagation(String wire) {
    this.wire = wire;
  }

  /** The value as the API spells it. */
  public String wire() {
    return wire;
  }

  static Optional<Propagation> parse(String value) {
    return Arrays.stream(values()).filter(p -> p.wire.equals(value)).findFirst();
  }
}
