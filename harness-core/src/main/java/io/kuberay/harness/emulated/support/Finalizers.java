package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;

/** A controller's own finalizer on an object it edits: added once, or removed. */
public final class Finalizers {

  private Finalizers() {}

  /** {@code object} with {@code finalizer} present or absent, the others kept in their order. */
  public static <T extends HasMetadata> T set(T object, String finalizer, boolean present) {
    List<String> finalizers =
        new ArrayList<>(
            object.getMetadata().getFinalizers() == null
                ? List.of()
                : object.getMetadata().getFinalizers());
    if (present && !finalizers.contains(finalizer)) {
      finalizers.add(finalizer);
    } else if (!present) {
      finalizers.remove(finalizer);
    }
    object.getMetadata().setFinalizers(finalizers);
    return object;
  }
}
