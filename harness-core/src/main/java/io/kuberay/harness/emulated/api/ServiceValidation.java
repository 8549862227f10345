package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube-apiserver's Service rules a KubeRay user can meet (Kubernetes 1.31): the service REST
 * storage's {@code patchAllocatedValues} on an update and its node port allocator, then {@code
 * ValidateService}'s port rules and {@code ValidateServiceUpdate}'s cluster IPs, with their field
 * paths and wording. Services are plain maps here, as stored.
 */
final class ServiceValidation {

  static final int NODE_PORT_MIN = 30000;
  static final int NODE_PORT_MAX = 32767;

  private static final List<String> TYPES =
      List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern IANA_NAME = Pattern.compile("[-a-z0-9]+");
  private static final Pattern LETTER = Pattern.compile(".*[a-z].*");
  private static final String PORT_RANGE = "must be between 1 and 65535, inclusive";

  private ServiceValidation() {}

  /**
   * {@code patchAllocatedValues}: an update that leaves out what the server allocated keeps it —
   * the cluster IP(s) (unless either side is ExternalName) and, while both need node ports, each
   * port's node port, matched by port name, unless the update uses it for another port.
   */
  static void keepAllocated(Map<String, Object> service, Map<String, Object> old) {
    Map<String, Object> spec = Maps.map(service.get("spec"));
    service.put("spec", spec);
    Map<String, Object> before = Maps.map(old.get("spec"));
    if (needsClusterIp(before) && needsClusterIp(spec)) {
      if (blank(spec.get("clusterIP"))) {
        spec.put("clusterIP", before.get("clusterIP"));
      }
      if (Maps.list(spec.get("clusterIPs")).isEmpty() && before.get("clusterIPs") != null) {
        spec.put("clusterIPs", new ArrayList<>(Maps.list(before.get("clusterIPs"))));
      }
      // normalizeClusterIPs: a changed clusterIP with the old clusterIPs speaks for both.
      if (!Objects.equals(spec.get("clusterIP"), before.get("clusterIP"))
          && Objects.equals(spec.get("clusterIPs"), before.get("clusterIPs"))
          && !blank(spec.get("clusterIP"))) {
        spec.put("clusterIPs", new ArrayList<>(List.of(spec.get("clusterIP"))));
      }
    }
    if (needsNodePorts(before) && needsNodePorts(spec)) {
      Set<Object> used = nodePorts(before);
      used.retainAll(nodePorts(spec));
      Map<Object, Object> byName = new HashMap<>();
      for (Object p : Maps.list(before.get("ports"))) {
        byName.put(Maps.map(p).get("name"), Maps.map(p).get("nodePort"));
      }
      for (Object p : Maps.list(spec.get("ports"))) {
        Map<String, Object> port = Maps.map(p);
        Object kept = byName.get(port.get("name"));
        if (zero(port.get("nodePort")) && !zero(kept) && !used.contains(number(kept))) {
          port.put("nodePort", kept);
        }
      }
    }
  }

  /**
   * The node port allocator, before validation: a node port a NodePort or LoadBalancer service
   * names must be in 30000-32767 and not another service's.
   *
   * @param taken the node ports other services hold
   */
  static List<String> nodePortCauses(Map<String, Object> service, Set<Integer> taken) {
    Map<String, Object> spec = Maps.map(service.get("spec"));
    List<String> causes = new ArrayList<>();
    if (!needsNodePorts(spec)) {
      return causes;
    }
    List<Object> ports = Maps.list(spec.get("ports"));
    for (int i = 0; i < ports.size(); i++) {
      Object nodePort = Maps.map(ports.get(i)).get("nodePort");
      if (zero(nodePort)) {
        continue;
      }
      int n = number(nodePort);
      String field = "spec.ports[" + i + "].nodePort: Invalid value: " + n + ": ";
      if (n < NODE_PORT_MIN || n > NODE_PORT_MAX) {
        causes.add(
            field
                + "provided port is not in the valid range. The range of valid ports is "
                + NODE_PORT_MIN
                + "-"
                + NODE_PORT_MAX);
      } else if (taken.contains(n)) {
        causes.add(field + "provided port is already allocated");
      }
      if (!causes.isEmpty()) {
        return causes; // the allocator stops at its first error
      }
    }
    return causes;
  }

  /** {@code ValidateServiceUpdate}'s own rule: the cluster IPs may not change once set. */
  static List<String> updateCauses(Map<String, Object> service, Map<String, Object> old) {
    Map<String, Object> spec = Maps.map(service.get("spec"));
    Map<String, Object> before = Maps.map(old.get("spec"));
    List<String> causes = new ArrayList<>();
    if ("ExternalName".equals(spec.get("type")) || "ExternalName".equals(before.get("type"))) {
      return causes;
    }
    if (headless(spec) && headless(before)) {
      return causes;
    }
    List<Object> now = Maps.list(spec.get("clusterIPs"));
    List<Object> was = Maps.list(before.get("clusterIPs"));
    if (now.size() == was.size()) {
      for (int i = 0; i < was.size(); i++) {
        if (!Objects.equals(was.get(i), now.get(i))) {
          causes.add(
              "spec.clusterIPs["
                  + i
                  + "]: Invalid value: "
                  + goStrings(now)
                  + ": may not change once set");
        }
      }
    }
    return causes;
  }

  /** A patched Service's causes: as an update's, the stored object before it. */
  static List<String> patchCauses(Map<String, Object> old, Map<String, Object> next) {
    List<String> causes = new ArrayList<>(updateCauses(next, old));
    causes.addAll(causes(next));
    return causes;
  }

  /** {@code ValidateService}'s rules on a defaulted Service's ports and type. */
  static List<String> causes(Map<String, Object> service) {
    Map<String, Object> spec = Maps.map(service.get("spec"));
    List<String> causes = new ArrayList<>();
    List<Object> ports = Maps.list(spec.get("ports"));
    String type = spec.get("type") == null ? "" : String.valueOf(spec.get("type"));
    if (ports.isEmpty() && !headless(spec) && !"ExternalName".equals(type)) {
      causes.add("spec.ports: Required value");
    }
    if (("NodePort".equals(type) || "LoadBalancer".equals(type)) && headless(spec)) {
      causes.add(
          "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for "
              + type
              + " services");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      port(Maps.map(ports.get(i)), "spec.ports[" + i + "]", ports.size() > 1, names, causes);
    }
    if (!TYPES.contains(type)) {
      causes.add(ObjectValidation.notSupported("spec.type", type, TYPES));
    }
    if ("ClusterIP".equals(type)) {
      for (int i = 0; i < ports.size(); i++) {
        if (!zero(Maps.map(ports.get(i)).get("nodePort"))) {
          causes.add(
              "spec.ports["
                  + i
                  + "].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
        }
      }
    }
    Set<String> nodePorts = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      Map<String, Object> port = Maps.map(ports.get(i));
      if (!zero(port.get("nodePort"))
          && !nodePorts.add(port.get("protocol") + "/" + number(port.get("nodePort")))) {
        causes.add(
            "spec.ports[" + i + "].nodePort: Duplicate value: " + number(port.get("nodePort")));
      }
    }
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      Map<String, Object> port = Maps.map(ports.get(i));
      if (!keys.add(port.get("protocol") + "/" + number(port.get("port")))) {
        // Go prints the duplicate key, a ServicePort holding only protocol and port, with %#v.
        causes.add(
            "spec.ports["
                + i
                + "]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\""
                + port.get("protocol")
                + "\", AppProtocol:(*string)(nil), Port:"
                + number(port.get("port"))
                + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}");
      }
    }
    return causes;
  }

  /** {@code validateServicePort}. */
  private static void port(
      Map<String, Object> port,
      String path,
      boolean nameRequired,
      Set<String> names,
      List<String> causes) {
    String name = port.get("name") == null ? "" : String.valueOf(port.get("name"));
    if (nameRequired && name.isEmpty()) {
      causes.add(path + ".name: Required value");
    } else if (!name.isEmpty()) {
      if (name.length() > 63) {
        causes.add(
            path
                + ".name: Invalid value: "
                + ObjectValidation.quote(name)
                + ": must be no more than 63 characters");
      }
      if (!DNS_LABEL.matcher(name).matches()) {
        causes.add(
            path
                + ".name: Invalid value: "
                + ObjectValidation.quote(name)
                + ": a lowercase RFC 1123 label must consist of lower case alphanumeric characters"
                + " or '-', and must start and end with an alphanumeric character (e.g. 'my-name', "
                + " or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
      }
      if (!names.add(name)) {
        causes.add(path + ".name: Duplicate value: " + ObjectValidation.quote(name));
      }
    }
    int number = number(port.get("port"));
    if (number < 1 || number > 65535) {
      causes.add(path + ".port: Invalid value: " + number + ": " + PORT_RANGE);
    }
    Object protocol = port.get("protocol");
    if (blank(protocol)) {
      causes.add(path + ".protocol: Required value");
    } else if (!PROTOCOLS.contains(String.valueOf(protocol))) {
      causes.add(
          ObjectValidation.notSupported(path + ".protocol", String.valueOf(protocol), PROTOCOLS));
    }
    Object target = port.get("targetPort");
    if (target instanceof Number n) {
      if (n.intValue() < 1 || n.intValue() > 65535) {
        causes.add(path + ".targetPort: Invalid value: " + n.intValue() + ": " + PORT_RANGE);
      }
    } else if (target != null) {
      portName(String.valueOf(target))
          .forEach(
              m ->
                  causes.add(
                      path
                          + ".targetPort: Invalid value: "
                          + ObjectValidation.quote(String.valueOf(target))
                          + ": "
                          + m));
    }
  }

  /** {@code IsValidPortName}: an IANA_SVC_NAME. */
  private static List<String> portName(String name) {
    List<String> problems = new ArrayList<>();
    if (name.length() > 15) {
      problems.add("must be no more than 15 characters");
    }
    if (!IANA_NAME.matcher(name).matches()) {
      problems.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!LETTER.matcher(name).matches()) {
      problems.add("must contain at least one letter (a-z)");
    }
    if (name.contains("--")) {
      problems.add("must not contain consecutive hyphens");
    }
    if (name.startsWith("-") || name.endsWith("-")) {
      problems.add("must not begin or end with a hyphen");
    }
    return problems;
  }

  static boolean needsNodePorts(Map<String, Object> spec) {
    return "NodePort".equals(spec.get("type"))
        || "LoadBalancer".equals(spec.get("type"))
            && !Boolean.FALSE.equals(spec.get("allocateLoadBalancerNodePorts"));
  }

  /** The node ports a stored service holds. */
  static Set<Integer> heldNodePorts(Map<String, Object> service) {
    Set<Integer> held = new HashSet<>();
    for (Object p : Maps.list(Maps.map(service.get("spec")).get("ports"))) {
      Object n = Maps.map(p).get("nodePort");
      if (!zero(n)) {
        held.add(number(n));
      }
    }
    return held;
  }

  private static boolean needsClusterIp(Map<String, Object> spec) {
    return !"ExternalName".equals(spec.get("type"));
  }

  private static boolean headless(Map<String, Object> spec) {
    return "None".equals(spec.get("clusterIP"));
  }

  private static Set<Object> nodePorts(Map<String, Object> spec) {
    Set<Object> ports = new HashSet<>();
    for (Object p : Maps.list(spec.get("ports"))) {
      Object n = Maps.map(p).get("nodePort");
      if (!zero(n)) {
        ports.add(number(n));
      }
    }
    return ports;
  }

  private static boolean blank(Object value) {
    return value == null || String.valueOf(value).isEmpty();
  }

  private static boolean zero(Object value) {
    return value == null || number(value) == 0;
  }

  private static int number(Object value) {
    if (value instanceof Number n) {
      return n.intValue();
    }
    try {
      return value == null ? 0 : Integer.parseInt(String.valueOf(value));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A Go {@code []string} printed with {@code %#v}. */
  private static String goStrings(List<Object> values) {
    return "[]string{"
        + String.join(
            ", ", values.stream().map(v -> ObjectValidation.quote(String.valueOf(v))).toList())
        + "}";
  }
}
