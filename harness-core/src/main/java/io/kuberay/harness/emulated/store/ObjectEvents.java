package io.kuberay.harness.emulated.store;

import java.util.function.BiConsumer;

/**
 * In-process watches on the emulated API: how the emulated operator and node learn of changes, as
 * an operator's informers do, without deserializing whole objects they only need the keys of.
 */
@FunctionalInterface
public interface ObjectEvents {

  /**
   * Watches a resource in all namespaces, starting with its current objects as ADDED. The listener
   * gets each event's type and object, in order, on the thread of the write that caused it: it must
   * only queue work and return. Closing the result ends the watch.
   */
  Subscription watch(
      ResourceRef resource, String labelSelector, BiConsumer<String, StoredObject> listener);

  /** An open watch; closing it cannot fail. */
  @FunctionalInterface
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
