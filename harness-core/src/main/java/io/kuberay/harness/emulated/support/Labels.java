package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** The labels KubeRay puts on what it creates ({@code labelPod}, {@code HeadServiceLabels}). */
public final class Labels {

  public static final String CLUSTER = "ray.io/cluster";
  public static final String NODE_TYPE = "ray.io/node-type";
  public static final String GROUP = "ray.io/group";
  public static final String IDENTIFIER = "ray.io/identifier";
  public static final String IS_RAY_NODE = "ray.io/is-ray-node";
  public static final String ORIGINATED_FROM_CRD = "ray.io/originated-from-crd";
  public static final String ORIGINATED_FROM_CR_NAME = "ray.io/originated-from-cr-name";
  public static final String HEAD_GROUP = "headgroup";
  public static final String APP_NAME = "app.kubernetes.io/name";

  /** On a RayService's serve service ({@code <name>-serve}) and its pods ({@code true/false}). */
  public static final String SERVE = "ray.io/serve";

  private Labels() {}

  /** Template labels first, then KubeRay's, which win on a clash as in the real operator. */
  public static Map<String, String> pod(
      String cluster, String nodeType, String group, PodTemplateSpec template) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(CLUSTER, cluster);
    labels.put(NODE_TYPE, nodeType);
    labels.put(GROUP, group);
    labels.put(IDENTIFIER, cluster + "-" + nodeType);
    labels.put(IS_RAY_NODE, "yes");
    labels.putIfAbsent(APP_NAME, "kuberay");
    labels.put("app.kubernetes.io/created-by", "kuberay-operator");
    return labels;
  }

  public static Map<String, String> headService(String cluster) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(CLUSTER, cluster);
    labels.put(NODE_TYPE, "head");
    labels.put(IDENTIFIER, cluster + "-head");
    labels.put(APP_NAME, "kuberay");
    labels.put("app.kubernetes.io/created-by", "kuberay-operator");
    return labels;
  }
}
