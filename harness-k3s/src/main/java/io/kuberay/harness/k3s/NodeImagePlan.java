package io.kuberay.harness.k3s;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Which node image a start runs and how each image the run needs gets into it: imported by the node
 * itself while it boots (a {@link PreloadedNode} carrying that very image ID) or side-loaded from
 * the local engine afterwards.
 *
 * @param node the node image to run: the preloaded variant when one carries any needed image, else
 *     the plain one
 * @param preloaded the preloaded variant chosen, if any
 * @param ids image name → Docker image ID, for the node and every image the run needs
 * @param awaited images the node imports itself: wait for their marker
 * @param sideload images to copy in after the node is up
 */
record NodeImagePlan(
    String node,
    Optional<PreloadedNode> preloaded,
    Map<String, String> ids,
    List<String> awaited,
    List<String> sideload) {

  NodeImagePlan {
    Objects.requireNonNull(node, "node");
    ids = Map.copyOf(ids);
    awaited = List.copyOf(awaited);
    sideload = List.copyOf(sideload);
  }

  /**
   * @param images what the run needs
   * @param idOf the local engine's image ID of a name (present images only)
   * @param candidates preloaded node images found in the local engine
   */
  static NodeImagePlan of(
      K3sImages images, UnaryOperator<String> idOf, List<PreloadedNode> candidates) {
    Map<String, String> ids = new LinkedHashMap<>();
    images.all().forEach(name -> ids.put(name, idOf.apply(name)));
    List<String> needed = images.sideloaded();
    Optional<PreloadedNode> preloaded =
        PreloadedNode.best(
            ids.get(images.node()), needed.stream().map(ids::get).toList(), candidates);
    List<String> awaited =
        needed.stream()
            .filter(n -> preloaded.map(p -> p.carries(ids.get(n))).orElse(false))
            .toList();
    List<String> sideload = needed.stream().filter(n -> !awaited.contains(n)).toList();
    return new NodeImagePlan(
        preloaded.map(PreloadedNode::image).orElse(images.node()),
        preloaded,
        ids,
        awaited,
        sideload);
  }

  /** The image ID of a needed image. */
  String id(String image) {
    return Objects.requireNonNull(
        ids.get(image), () -> image + " is not one of this start's images " + ids.keySet());
  }
}
