package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.support.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The autoscaler's identity ({@code common/rbac.go}): a ServiceAccount named as the head pod's, a
 * Role on pods and rayclusters (v1.5.0+ also {@code pods/resize}) and a RoleBinding of the two, all
 * owned by the cluster.
 */
final class AutoscalerRbac {

  private AutoscalerRbac() {}

  static ServiceAccount serviceAccount(RayClusterView cluster) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(HeadServiceFactory.checkName(AutoscalerSidecar.serviceAccountName(cluster)))
        .withNamespace(cluster.namespace())
        .withLabels(labels(cluster))
        .withOwnerReferences(PodFactory.owner(cluster))
        .endMetadata()
        .build();
  }

  static Role role(OperatorFlavor flavor, RayClusterView cluster) {
    List<PolicyRule> rules = new ArrayList<>();
    rules.add(
        new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("pods")
            .withVerbs("get", "list", "watch", "patch")
            .build());
    if (flavor.version().isAtLeast(KubeRayVersion.V1_5_0)) {
      rules.add(
          new PolicyRuleBuilder()
              .withApiGroups("")
              .withResources("pods/resize")
              .withVerbs("patch")
              .build());
    }
    rules.add(
        new PolicyRuleBuilder()
            .withApiGroups("ray.io")
            .withResources("rayclusters")
            .withVerbs("get", "patch")
            .build());
    return new RoleBuilder()
        .withNewMetadata()
        .withName(HeadServiceFactory.checkName(cluster.name()))
        .withNamespace(cluster.namespace())
        .withLabels(labels(cluster))
        .withOwnerReferences(PodFactory.owner(cluster))
        .endMetadata()
        .withRules(rules)
        .build();
  }

  static RoleBinding roleBinding(RayClusterView cluster) {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(HeadServiceFactory.checkName(cluster.name()))
        .withNamespace(cluster.namespace())
        .withLabels(labels(cluster))
        .withOwnerReferences(PodFactory.owner(cluster))
        .endMetadata()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(HeadServiceFactory.checkName(AutoscalerSidecar.serviceAccountName(cluster)))
        .withNamespace(cluster.namespace())
        .endSubject()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(HeadServiceFactory.checkName(cluster.name()))
        .endRoleRef()
        .build();
  }

  private static Map<String, String> labels(RayClusterView cluster) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.CLUSTER, cluster.name());
    labels.put("app.kubernetes.io/name", "kuberay");
    labels.put("app.kubernetes.io/created-by", "kuberay-operator");
    return labels;
  }
}
