package io.kuberay.harness.emulated.store;

import io.kuberay.harness.emulated.support.Maps;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strategic merge patch as kube-apiserver applies it to built-in kinds (apimachinery's {@code
 * strategicpatch.StrategicMergeMapPatch}, with its server-side options: parallel lists merged,
 * unmatched nulls ignored). Maps merge recursively and null deletes; a list whose field has
 * strategy {@code merge} merges its elements by the field's merge key (primitives: union), any
 * other list is replaced; the directives {@code $patch}, {@code $retainKeys}, {@code
 * $setElementOrder/<field>} and {@code $deleteFromPrimitiveList/<field>} apply as there, including
 * the resulting element order.
 */
final class StrategicMergePatch {

  private static final String DIRECTIVE = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
  private static final String SET_ELEMENT_ORDER = "$setElementOrder";

  private StrategicMergePatch() {}

  /** Applies {@code patch} to a copy of {@code target}; neither argument is changed. */
  static Map<String, Object> apply(
      Map<String, Object> target, Map<String, Object> patch, PatchSchema schema) {
    return mergeMap(JsonText.copy(target), JsonText.copy(patch), schema);
  }

  private static Map<String, Object> mergeMap(
      Map<String, Object> original, Map<String, Object> patch, PatchSchema schema) {
    if (patch.containsKey(DIRECTIVE)) {
      Object directive = patch.get(DIRECTIVE);
      if ("replace".equals(directive)) {
        patch.remove(DIRECTIVE);
        return withoutDirectives(patch);
      }
      if ("delete".equals(directive)) {
        return new LinkedHashMap<>();
      }
      throw internal("Unknown patch type: " + directive + " in map: " + patch);
    }
    applyRetainKeys(original, patch);
    applySetElementOrders(original, patch, schema);
    for (Map.Entry<String, Object> e : new ArrayList<>(patch.entrySet())) {
      String key = e.getKey();
      Object patchValue = e.getValue();
      boolean deleteList = key.startsWith(DELETE_FROM_PRIMITIVE_LIST);
      if (deleteList) {
        key = fieldOf(key, DELETE_FROM_PRIMITIVE_LIST, "invalid patch format of primitive list");
      } else if (key.startsWith("$")) {
        // No Go type has such a field: the API server's decoding of the result drops it.
        continue;
      }
      if (patchValue == null) {
        original.remove(key);
        continue;
      }
      Object originalValue = original.get(key);
      boolean bothMaps = originalValue instanceof Map<?, ?> && patchValue instanceof Map<?, ?>;
      boolean bothLists = originalValue instanceof List<?> && patchValue instanceof List<?>;
      if (!bothMaps && !bothLists) {
        // Absent from the target, or of another type (or a scalar): the patch's value.
        if (!deleteList) {
          original.put(key, withoutDirectives(patchValue));
        }
        continue;
      }
      PatchSchema.Field field = schema.field(key);
      if (bothMaps) {
        original.put(
            key,
            "replace".equals(field.strategy())
                ? withoutDirectives(patchValue)
                : mergeMap(Maps.map(originalValue), Maps.map(patchValue), field.schema()));
      } else {
        original.put(
            key,
            "merge".equals(field.strategy())
                ? mergeList(
                    Maps.list(originalValue),
                    Maps.list(patchValue),
                    field.schema().items(),
                    field.mergeKey(),
                    deleteList)
                : withoutDirectives(patchValue));
      }
    }
    return original;
  }

  /**
   * {@code $retainKeys}: the target keeps only the listed fields, and the patch may set no other.
   */
  private static void applyRetainKeys(Map<String, Object> original, Map<String, Object> patch) {
    if (!patch.containsKey(RETAIN_KEYS)) {
      return;
    }
    Object retain = patch.remove(RETAIN_KEYS);
    if (!(retain instanceof List<?> keys)) {
      throw badRequest("invalid patch format of retainKeys");
    }
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      if (e.getValue() != null
          && !e.getKey().startsWith(DELETE_FROM_PRIMITIVE_LIST)
          && !e.getKey().startsWith(SET_ELEMENT_ORDER)
          && !keys.contains(e.getKey())) {
        throw badRequest("invalid patch format of retainKeys");
      }
    }
    original.keySet().removeIf(k -> !keys.contains(k));
  }

  /**
   * {@code $setElementOrder/<field>}: merges the field's patch list (if any) into the target's and
   * orders the result by the given order, the target's other elements kept in place relative to
   * them. The field's list is then done: it is removed from the patch.
   */
  private static void applySetElementOrders(
      Map<String, Object> original, Map<String, Object> patch, PatchSchema schema) {
    for (String key : new ArrayList<>(patch.keySet())) {
      if (!key.startsWith(SET_ELEMENT_ORDER)) {
        continue;
      }
      Object order = patch.remove(key);
      if (!(order instanceof List<?>)) {
        throw badRequest("invalid patch format of setElementOrder list");
      }
      List<Object> orderList = Maps.list(order);
      String field =
          fieldOf(key, SET_ELEMENT_ORDER, "invalid patch format of setElementOrder list");
      Object originalValue = original.get(field);
      Object patchValue = patch.get(field);
      if (originalValue != null && !(originalValue instanceof List<?>)
          || patchValue != null && !(patchValue instanceof List<?>)) {
        throw internal(
            "expected a list for " + field + ", got " + originalValue + " and " + patchValue);
      }
      List<Object> originalList = originalValue == null ? null : Maps.list(originalValue);
      List<Object> patchList = patchValue == null ? null : Maps.list(patchValue);
      if (originalList == null && patchList == null) {
        continue;
      }
      PatchSchema.Field meta = schema.field(field);
      String mergeKey = meta.mergeKey();
      checkAgainstOrder(patchList, orderList, mergeKey);
      List<Object> serverOrder = originalList == null ? List.of() : new ArrayList<>(originalList);
      List<Object> merged;
      if (patchList == null) {
        merged = originalList;
      } else if (originalList == null) {
        merged = patchList;
      } else if ("merge".equals(meta.strategy())) {
        merged = mergeList(originalList, patchList, meta.schema().items(), mergeKey, false);
      } else {
        merged = withoutDirectives(patchList);
      }
      boolean maps = elementsAreMaps(serverOrder, patchList == null ? List.of() : patchList);
      List<Object> inOrder = new ArrayList<>();
      List<Object> serverOnly = new ArrayList<>();
      partition(merged, orderList, mergeKey, maps, inOrder, serverOnly);
      original.put(field, ordered(inOrder, serverOnly, orderList, serverOrder, mergeKey, maps));
      patch.remove(field);
    }
  }

  /**
   * The patch list's elements must appear in the {@code $setElementOrder} list, in its order
   * (elements with a {@code $patch} directive aside).
   */
  private static void checkAgainstOrder(List<Object> patchList, List<Object> order, String key) {
    if (patchList == null || patchList.isEmpty() || order.isEmpty()) {
      return;
    }
    List<Object> plain = new ArrayList<>();
    for (Object item : patchList) {
      if (!(item instanceof Map<?, ?> m && m.containsKey(DIRECTIVE))) {
        plain.add(item);
      }
    }
    int p = 0;
    for (int o = 0; p < plain.size() && o < order.size(); o++) {
      if (same(valueOf(plain.get(p), key), valueOf(order.get(o), key))) {
        p++;
      }
    }
    if (p < plain.size()) {
      throw internal(
          "The order in patch list:\n"
              + patchList
              + "\n doesn't match $setElementOrder list:\n"
              + order
              + "\n");
    }
  }

  private static List<Object> mergeList(
      List<Object> original,
      List<Object> patch,
      PatchSchema elementSchema,
      String mergeKey,
      boolean deleteList) {
    if (original.isEmpty() && patch.isEmpty()) {
      return original;
    }
    boolean maps = elementsAreMaps(original, patch);
    List<Object> merged;
    List<Object> patchItems = patch;
    List<Object> serverOrder = original;
    if (!maps) {
      if (deleteList) {
        List<Object> kept = new ArrayList<>();
        for (Object v : original) {
          if (patch.stream().noneMatch(d -> same(d, v))) {
            kept.add(v);
          }
        }
        return kept;
      }
      merged = new ArrayList<>();
      for (Object v : concat(original, patch)) {
        if (merged.stream().noneMatch(m -> same(m, v))) {
          merged.add(v);
        }
      }
    } else {
      if (mergeKey.isEmpty()) {
        throw internal("cannot merge lists without merge key for type struct");
      }
      // Elements with $patch: delete remove their match; $patch: replace makes the patch's other
      // elements the list.
      List<Object> remaining = new ArrayList<>(original);
      List<Object> plain = new ArrayList<>();
      boolean replace = false;
      for (Object item : patch) {
        Map<String, Object> element = Maps.map(item);
        if (!element.containsKey(DIRECTIVE)) {
          plain.add(element);
          continue;
        }
        Object directive = element.get(DIRECTIVE);
        if ("delete".equals(directive)) {
          if (!element.containsKey(mergeKey)) {
            throw noMergeKey(element, mergeKey);
          }
          Object value = element.get(mergeKey);
          remaining.removeIf(o -> same(Maps.map(o).get(mergeKey), value));
        } else if ("replace".equals(directive)) {
          replace = true;
        } else if ("merge".equals(directive)) {
          throw internal("merging lists cannot yet be specified in the patch");
        } else {
          throw internal("Unknown patch type: " + directive + " in map: " + element);
        }
      }
      if (replace) {
        remaining = withoutDirectives(plain);
        plain = new ArrayList<>();
      }
      serverOrder = remaining;
      patchItems = plain;
      merged = new ArrayList<>(remaining);
      for (Object item : plain) {
        Map<String, Object> element = Maps.map(item);
        if (!element.containsKey(mergeKey)) {
          throw noMergeKey(element, mergeKey);
        }
        Object value = element.get(mergeKey);
        int at = -1;
        for (int i = 0; i < merged.size(); i++) {
          if (same(Maps.map(merged.get(i)).get(mergeKey), value)) {
            at = i;
            break;
          }
        }
        if (at >= 0) {
          merged.set(at, mergeMap(Maps.map(merged.get(at)), element, elementSchema));
        } else {
          merged.add(withoutDirectives(element));
        }
      }
    }
    List<Object> inPatch = new ArrayList<>();
    List<Object> serverOnly = new ArrayList<>();
    partition(merged, patchItems, mergeKey, maps, inPatch, serverOnly);
    return ordered(inPatch, serverOnly, patchItems, serverOrder, mergeKey, maps);
  }

  /**
   * apimachinery's normalizeElementOrder: the patch's elements in {@code patchOrder}, the target's
   * other elements in {@code serverOrder}, then interleaved by their places in {@code serverOrder};
   * an element the target did not have goes before the remaining target elements.
   */
  private static List<Object> ordered(
      List<Object> patchItems,
      List<Object> serverOnly,
      List<Object> patchOrder,
      List<Object> serverOrder,
      String mergeKey,
      boolean maps) {
    String key = maps ? mergeKey : "";
    List<Object> right = sortedBy(patchItems, patchOrder, key);
    List<Object> left = sortedBy(serverOnly, serverOrder, key);
    List<Object> out = new ArrayList<>(left.size() + right.size());
    int i = 0;
    int j = 0;
    while (i < left.size() || j < right.size()) {
      if (j >= right.size()) {
        out.add(left.get(i++));
      } else if (i >= left.size()) {
        out.add(right.get(j++));
      } else {
        int li = indexOf(serverOrder, left.get(i), key);
        int ri = indexOf(serverOrder, right.get(j), key);
        if (li >= 0 && ri >= 0 && li < ri) {
          out.add(left.get(i++));
        } else {
          out.add(right.get(j++));
        }
      }
    }
    return out;
  }

  private static List<Object> sortedBy(List<Object> items, List<Object> order, String key) {
    List<Object> out = new ArrayList<>(items);
    out.sort(
        Comparator.comparingInt(
            item -> {
              int at = indexOf(order, item, key);
              return at < 0 ? Integer.MAX_VALUE : at;
            }));
    return out;
  }

  private static void partition(
      List<Object> merged,
      List<Object> by,
      String mergeKey,
      boolean maps,
      List<Object> in,
      List<Object> out) {
    String key = maps ? mergeKey : "";
    for (Object item : merged) {
      if (maps && !Maps.map(item).containsKey(mergeKey)) {
        throw noMergeKey(Maps.map(item), mergeKey);
      }
      (indexOf(by, item, key) >= 0 ? in : out).add(item);
    }
  }

  private static int indexOf(List<Object> list, Object item, String mergeKey) {
    Object value = valueOf(item, mergeKey);
    for (int i = 0; i < list.size(); i++) {
      if (same(valueOf(list.get(i), mergeKey), value)) {
        return i;
      }
    }
    return -1;
  }

  /** A map element's merge key value, or a primitive itself. */
  private static Object valueOf(Object item, String mergeKey) {
    if (mergeKey.isEmpty()) {
      return item;
    }
    return item instanceof Map<?, ?> m ? m.get(mergeKey) : null;
  }

  private static boolean elementsAreMaps(List<Object> a, List<Object> b) {
    Set<Boolean> kinds = new HashSet<>();
    for (Object v : concat(a, b)) {
      if (v instanceof List<?>) {
        throw new ApiException(422, "Invalid", "lists of lists are not supported");
      }
      kinds.add(v instanceof Map<?, ?>);
    }
    if (kinds.size() > 1) {
      throw internal("list element types are not identical: " + a + " " + b);
    }
    return kinds.contains(true);
  }

  private static List<Object> concat(List<Object> a, List<Object> b) {
    List<Object> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** JSON equality of scalars: numbers by value, whatever Java type the parser gave them. */
  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    return a == null ? b == null : a.equals(b);
  }

  /**
   * A patch value taken as is, without directives: the API server decodes the result into its Go
   * type, which has no such fields.
   */
  @SuppressWarnings("unchecked")
  private static <T> T withoutDirectives(T value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (!k.startsWith("$")) {
          out.put(k, withoutDirectives(e.getValue()));
        }
      }
      return (T) out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object v : l) {
        if (!(v instanceof Map<?, ?> m && "delete".equals(m.get(DIRECTIVE)))) {
          out.add(withoutDirectives(v));
        }
      }
      return (T) out;
    }
    return value;
  }

  /** The field a {@code $prefix/field} directive names. */
  private static String fieldOf(String key, String prefix, String error) {
    int slash = key.indexOf('/');
    if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
      throw badRequest(error);
    }
    return key.substring(slash + 1);
  }

  private static ApiException noMergeKey(Map<String, Object> element, String mergeKey) {
    return internal("map: " + element + " does not contain declared merge key: " + mergeKey);
  }

  private static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message);
  }

  /** apimachinery's other errors reach the client as the API server's 500. */
  private static ApiException internal(String message) {
    return new ApiException(500, "InternalError", message);
  }
}
