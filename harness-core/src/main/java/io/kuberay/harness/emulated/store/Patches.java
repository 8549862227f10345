package io.kuberay.harness.emulated.store;

import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The patch types the API server accepts: JSON patch (RFC 6902) and JSON merge patch (RFC 7386) on
 * every resource, strategic merge patch on built-in kinds only ({@link StrategicMergePatch}).
 */
public final class Patches {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Patches() {}

  /**
   * Applies a patch of the given Content-Type to a copy of {@code target}, a strategic merge patch
   * without any field's patch strategy (maps merge, lists are replaced).
   */
  public static Map<String, Object> apply(
      String contentType, String patch, Map<String, Object> target) {
    return apply(contentType, patch, target, PatchSchema.NONE);
  }

  /**
   * Applies a patch of the given Content-Type to a copy of {@code target}.
   *
   * @param strategic the patched kind's schema, for strategic merge patches; null for a custom
   *     resource, which refuses them (415) as kube-apiserver's CRD handler does
   */
  public static Map<String, Object> apply(
      String contentType, String patch, Map<String, Object> target, PatchSchema strategic) {
    String type = contentType == null ? "application/json-patch+json" : contentType;
    if (type.startsWith("application/json-patch+json")) {
      return jsonPatch(patch, target);
    }
    if (type.startsWith("application/merge-patch+json")) {
      return mergePatch(target, JsonText.readObject(patch));
    }
    if (type.startsWith("application/strategic-merge-patch+json") && strategic != null) {
      return StrategicMergePatch.apply(target, JsonText.readObject(patch), strategic);
    }
    throw new ApiException(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
            + "application/json-patch+json, application/merge-patch+json, "
            + (strategic == null ? "" : "application/strategic-merge-patch+json, ")
            + "application/apply-patch+yaml");
  }

  /** RFC 7386: objects merge recursively, null removes a field, anything else replaces it. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> mergePatch(Map<String, Object> target, Map<String, Object> patch) {
    Map<String, Object> out = new LinkedHashMap<>(target);
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      if (e.getValue() == null) {
        out.remove(e.getKey());
      } else if (e.getValue() instanceof Map<?, ?> p) {
        Object existing = out.get(e.getKey());
        out.put(
            e.getKey(),
            mergePatch(
                existing instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of(),
                (Map<String, Object>) p));
      } else {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> jsonPatch(String patch, Map<String, Object> target) {
    JsonNode operations = MAPPER.readTree(patch);
    JsonNode source = MAPPER.valueToTree(target);
    createMissingParents(source, operations);
    operations = replaceOfMissingMemberAsAdd(source, operations);
    try {
      return MAPPER.treeToValue(JsonPatch.apply(operations, source), LinkedHashMap.class);
    } catch (JsonPatchException e) {
      throw new ApiException(
          422,
          "Invalid",
          "the server rejected our request due to an error in our request: " + e.getMessage());
    }
  }

  /**
   * kube-apiserver applies JSON patches with evanphx/json-patch v4, whose {@code replace} of a
   * member an object lacks sets it like {@code add} (RFC 6902 says it fails). Ray's autoscaler
   * relies on it: it replaces {@code /spec/workerGroupSpecs/<i>/scaleStrategy}, which a RayCluster
   * written without one does not have.
   */
  private static JsonNode replaceOfMissingMemberAsAdd(JsonNode source, JsonNode operations) {
    if (!operations.isArray()) {
      return operations;
    }
    ArrayNode out = MAPPER.createArrayNode();
    for (JsonNode op : operations) {
      String path = op.path("path").asString("");
      int slash = path.lastIndexOf('/');
      if ("replace".equals(op.path("op").asString("")) && slash >= 0) {
        JsonNode parent = source.at(path.substring(0, slash));
        String member = path.substring(slash + 1).replace("~1", "/").replace("~0", "~");
        if (parent instanceof ObjectNode object && object.get(member) == null) {
          ObjectNode add = ((ObjectNode) op).deepCopy();
          add.put("op", "add");
          out.add(add);
          continue;
        }
      }
      out.add(op);
    }
    return out;
  }

  /**
   * Lenient like fabric8's mock server was: an {@code add} below a missing object creates the
   * parents (fabric8's {@code edit} sends such paths for a status that was never written).
   */
  private static void createMissingParents(JsonNode source, JsonNode operations) {
    for (JsonNode op : operations) {
      String[] parts = op.path("path").asString("").replaceFirst("^/", "").split("/");
      JsonNode node = source;
      for (int i = 0; i < parts.length - 1; i++) {
        if (node instanceof ObjectNode object && object.get(parts[i]) == null) {
          object.putObject(parts[i]);
        }
        node = node.path(parts[i]);
      }
    }
  }
}
