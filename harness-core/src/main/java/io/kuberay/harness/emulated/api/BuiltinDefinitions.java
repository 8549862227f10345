package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Kubernetes' own OpenAPI definitions of the built-in types (the release the emulator reports), as
 * {@code tools/openapi/builtin-definitions.py} extracts them: the schemas behind {@code
 * /openapi/v2}, {@code /openapi/v3} and unknown-field detection for built-in kinds. Loaded once per
 * JVM, read-only.
 */
final class BuiltinDefinitions {

  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  static final String OBJECT_META = META + "ObjectMeta";
  private static final String RESOURCE = "kubernetes-definitions.json";
  private static final AtomicBoolean PRELOADING = new AtomicBoolean();

  private static final class Holder {
    static final BuiltinDefinitions INSTANCE = load();
  }

  private final Map<String, Object> definitions;
  private final Map<String, String> byKind = new LinkedHashMap<>();

  private BuiltinDefinitions(Map<String, Object> definitions) {
    this.definitions = Collections.unmodifiableMap(definitions);
    definitions.forEach(
        (name, d) -> {
          for (Object g : Maps.list(Maps.map(d).get("x-kubernetes-group-version-kind"))) {
            Map<String, Object> gvk = Maps.map(g);
            byKind.putIfAbsent(
                key(
                    String.valueOf(gvk.get("group")),
                    String.valueOf(gvk.get("version")),
                    String.valueOf(gvk.get("kind"))),
                name);
          }
        });
  }

  static BuiltinDefinitions get() {
    return Holder.INSTANCE;
  }

  /**
   * Loads the definitions on a background thread, once per JVM: the first write's field validation
   * needs them, and parsing them on a cold JVM would otherwise sit on the environment's start. A
   * reader that comes first waits for the class initialisation instead of loading twice.
   */
  static void preload() {
    if (PRELOADING.compareAndSet(false, true)) {
      Thread thread = new Thread(BuiltinDefinitions::get, "kuberay-openapi-definitions");
      thread.setDaemon(true);
      thread.start();
    }
  }

  private static BuiltinDefinitions load() {
    try (InputStream in = BuiltinDefinitions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE
                + " is missing from the classpath; regenerate it with tools/openapi/builtin-definitions.py");
      }
      return new BuiltinDefinitions(
          Maps.map(
              JsonText.readObject(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                  .get("definitions")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String key(String group, String version, String kind) {
    return group + "/" + version + "/" + kind;
  }

  /** The definition name of a built-in kind, e.g. {@code io.k8s.api.core.v1.Pod}. */
  Optional<String> nameOf(String group, String version, String kind) {
    return Optional.ofNullable(byKind.get(key(group, version, kind)));
  }

  /** A definition (shared: callers copy before changing it). */
  Map<String, Object> definition(String name) {
    Object d = definitions.get(name);
    if (d == null) {
      throw new IllegalArgumentException("no built-in definition " + name);
    }
    return Maps.map(d);
  }

  boolean has(String name) {
    return definitions.containsKey(name);
  }

  /** The named definitions and every definition they refer to, transitively, by name. */
  Map<String, Object> closure(Set<String> roots) {
    Map<String, Object> out = new TreeMap<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (out.containsKey(name) || !definitions.containsKey(name)) {
        continue;
      }
      out.put(name, definitions.get(name));
      collectRefs(definitions.get(name), todo);
    }
    return out;
  }

  /** The definition names {@code $ref}s in {@code node} point at. */
  static void collectRefs(Object node, Deque<String> into) {
    if (node instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) -> {
            if ("$ref".equals(k) && v instanceof String ref) {
              into.add(ref.substring(ref.lastIndexOf('/') + 1));
            } else {
              collectRefs(v, into);
            }
          });
    } else if (node instanceof Iterable<?> list) {
      list.forEach(v -> collectRefs(v, into));
    }
  }
}
