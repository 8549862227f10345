package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.support.Maps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Server-side printing, as the API server does for {@code Accept:
 * application/json;as=Table;g=meta.k8s.io}: what {@code kubectl get} shows (NAME, READY, STATUS,
 * RESTARTS, AGE for pods; a CRD's additionalPrinterColumns for custom resources; NAME and AGE
 * otherwise).
 */
final class ServerTables {

  /**
   * One column: its header, type, the value of an object, and priority (1 = only with {@code -o
   * wide}).
   */
  record Column(
      String name,
      String type,
      int priority,
      BiFunction<Map<String, Object>, Instant, Object> value) {}

  /** An integer column read from {@code status.<field>}, 0 while the controller has not set it. */
  private static Column statusCount(String title, String field) {
    return new Column(title, "integer", 0, (o, now) -> Maps.integer(o, "status", field).orElse(0));
  }

  private static final List<String> INCLUDE_OBJECT = List.of("None", "Metadata", "Object");

  private ServerTables() {}

  static boolean wanted(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  /**
   * Whether {@code includeObject} is one the API server accepts: {@code None}, {@code Metadata}
   * (the default) or {@code Object}.
   */
  static boolean validIncludeObject(String includeObject) {
    return includeObject == null
        || includeObject.isEmpty()
        || INCLUDE_OBJECT.contains(includeObject);
  }

  /**
   * The Table of {@code body}. Each row carries what {@code includeObject} asks for, as the API
   * server's {@code transformResponseObject} does: the whole object with its kind and apiVersion
   * ({@code Object}, which {@code kubectl get --sort-by} needs to sort by any field), its metadata
   * as PartialObjectMetadata ({@code Metadata}, the default), or nothing ({@code None}).
   */
  static Map<String, Object> table(
      Map<String, Object> body, List<Column> columns, Instant now, String includeObject) {
    String kind = String.valueOf(body.get("kind"));
    boolean list = kind.endsWith("List");
    List<Object> items = list ? Maps.list(body.get("items")) : List.of(body);
    List<Object> definitions = new ArrayList<>();
    for (Column c : columns) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", c.name());
      d.put("type", c.type());
      d.put("format", c.name().equals("Name") ? "name" : "");
      d.put("description", "");
      d.put("priority", c.priority());
      definitions.add(d);
    }
    List<Object> rows = new ArrayList<>();
    for (Object item : items) {
      Map<String, Object> object = Maps.map(item);
      List<Object> cells = new ArrayList<>();
      for (Column c : columns) {
        Object v = c.value().apply(object, now);
        cells.add(v == null ? "<none>" : v);
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("cells", cells);
      if ("Object".equals(includeObject)) {
        Map<String, Object> whole = new LinkedHashMap<>();
        whole.put("kind", list ? kind.substring(0, kind.length() - "List".length()) : kind);
        whole.put("apiVersion", body.get("apiVersion"));
        object.forEach(whole::putIfAbsent);
        row.put("object", whole);
      } else if (!"None".equals(includeObject)) {
        Map<String, Object> partial = new LinkedHashMap<>();
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.put("metadata", Maps.map(object.get("metadata")));
        row.put("object", partial);
      }
      rows.add(row);
    }
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.put(
        "metadata",
        Map.of("resourceVersion", String.valueOf(Maps.get(body, "metadata", "resourceVersion"))));
    table.put("columnDefinitions", definitions);
    table.put("rows", rows);
    return table;
  }

  /**
   * The columns for a resource; {@code printerColumns} are a CRD version's
   * additionalPrinterColumns, if any.
   */
  static List<Column> columns(String group, String plural, List<Object> printerColumns) {
    List<Column> c = new ArrayList<>();
    c.add(new Column("Name", "string", 0, (o, now) -> Maps.get(o, "metadata", "name")));
    if (!printerColumns.isEmpty()) {
      for (Object p : printerColumns) {
        Map<String, Object> col = Maps.map(p);
        String path = String.valueOf(col.get("jsonPath"));
        String type = String.valueOf(col.getOrDefault("type", "string"));
        c.add(
            new Column(
                String.valueOf(col.get("name")),
                type,
                Maps.integer(col, "priority").orElse(0),
                (o, now) -> "date".equals(type) ? age(jsonPath(o, path), now) : jsonPath(o, path)));
      }
      return c;
    }
    if (group.isEmpty() && plural.equals("pods")) {
      c.add(new Column("Ready", "string", 0, (o, now) -> PodCells.ready(o)));
      c.add(new Column("Status", "string", 0, (o, now) -> PodCells.status(o)));
      c.add(new Column("Restarts", "string", 0, (o, now) -> PodCells.restarts(o)));
      c.add(new Column("Age", "string", 0, ServerTables::created));
      c.add(new Column("IP", "string", 1, (o, now) -> Maps.get(o, "status", "podIP")));
      c.add(new Column("Node", "string", 1, (o, now) -> Maps.get(o, "spec", "nodeName")));
      c.add(new Column("Nominated Node", "string", 1, (o, now) -> null));
      c.add(new Column("Readiness Gates", "string", 1, (o, now) -> null));
    } else if (group.isEmpty() && plural.equals("services")) {
      c.add(new Column("Type", "string", 0, (o, now) -> Maps.get(o, "spec", "type")));
      c.add(new Column("Cluster-IP", "string", 0, (o, now) -> Maps.get(o, "spec", "clusterIP")));
      c.add(new Column("External-IP", "string", 0, (o, now) -> null));
      c.add(new Column("Port(s)", "string", 0, (o, now) -> ports(o)));
      c.add(new Column("Age", "string", 0, ServerTables::created));
      c.add(
          new Column(
              "Selector",
              "string",
              1,
              (o, now) -> selector(Maps.map(Maps.get(o, "spec", "selector")))));
    } else if (group.isEmpty() && plural.equals("events")) {
      // kubectl get events: no Name column, the newest time the event was seen first
      c.clear();
      c.add(new Column("Last Seen", "string", 0, (o, now) -> age(lastSeen(o), now)));
      c.add(new Column("Type", "string", 0, (o, now) -> o.get("type")));
      c.add(new Column("Reason", "string", 0, (o, now) -> o.get("reason")));
      c.add(
          new Column(
              "Object",
              "string",
              0,
              (o, now) ->
                  String.valueOf(Maps.get(o, "involvedObject", "kind")).toLowerCase(Locale.ROOT)
                      + "/"
                      + Maps.get(o, "involvedObject", "name")));
      c.add(new Column("Message", "string", 0, (o, now) -> o.get("message")));
    } else if (group.isEmpty() && plural.equals("namespaces")) {
      c.add(
          new Column(
              "Status",
              "string",
              0,
              (o, now) -> Maps.string(o, "status", "phase").orElse("Active")));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else if (group.isEmpty() && plural.equals("nodes")) {
      c.add(new Column("Status", "string", 0, (o, now) -> "Ready"));
      c.add(new Column("Roles", "string", 0, (o, now) -> "control-plane"));
      c.add(new Column("Age", "string", 0, ServerTables::created));
      c.add(
          new Column(
              "Version",
              "string",
              0,
              (o, now) -> Maps.get(o, "status", "nodeInfo", "kubeletVersion")));
    } else if (group.equals("apps") && plural.equals("deployments")) {
      c.add(
          new Column(
              "Ready",
              "string",
              0,
              (o, now) ->
                  Maps.integer(o, "status", "readyReplicas").orElse(0)
                      + "/"
                      + Maps.integer(o, "spec", "replicas").orElse(1)));
      c.add(statusCount("Up-to-date", "updatedReplicas"));
      c.add(statusCount("Available", "availableReplicas"));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else if (group.equals("apps") && plural.equals("replicasets")) {
      c.add(
          new Column(
              "Desired", "integer", 0, (o, now) -> Maps.integer(o, "spec", "replicas").orElse(1)));
      c.add(statusCount("Current", "replicas"));
      c.add(statusCount("Ready", "readyReplicas"));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else if (group.equals("apps") && plural.equals("statefulsets")) {
      c.add(
          new Column(
              "Ready",
              "string",
              0,
              (o, now) ->
                  Maps.integer(o, "status", "readyReplicas").orElse(0)
                      + "/"
                      + Maps.integer(o, "spec", "replicas").orElse(1)));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else if (group.equals("apps") && plural.equals("daemonsets")) {
      for (String[] col :
          new String[][] {
            {"Desired", "desiredNumberScheduled"},
            {"Current", "currentNumberScheduled"},
            {"Ready", "numberReady"},
            {"Up-to-date", "updatedNumberScheduled"},
            {"Available", "numberAvailable"}
          }) {
        c.add(
            new Column(
                col[0], "integer", 0, (o, now) -> Maps.integer(o, "status", col[1]).orElse(0)));
      }
      c.add(
          new Column(
              "Node Selector",
              "string",
              0,
              (o, now) ->
                  selector(Maps.map(Maps.get(o, "spec", "template", "spec", "nodeSelector")))));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else if (group.isEmpty() && plural.equals("persistentvolumeclaims")) {
      c.add(
          new Column(
              "Status",
              "string",
              0,
              (o, now) -> Maps.string(o, "status", "phase").orElse("Pending")));
      c.add(
          new Column(
              "Volume", "string", 0, (o, now) -> Maps.string(o, "spec", "volumeName").orElse("")));
      c.add(
          new Column(
              "Capacity",
              "string",
              0,
              (o, now) -> Maps.string(o, "status", "capacity", "storage").orElse("")));
      c.add(new Column("Access Modes", "string", 0, (o, now) -> accessModes(o)));
      c.add(
          new Column(
              "StorageClass",
              "string",
              0,
              (o, now) -> Maps.string(o, "spec", "storageClassName").orElse("")));
      c.add(
          new Column(
              "VolumeAttributesClass",
              "string",
              0,
              (o, now) -> Maps.string(o, "spec", "volumeAttributesClassName").orElse("<unset>")));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else if (group.equals("networking.k8s.io") && plural.equals("ingresses")) {
      // kube-apiserver's printIngress (pkg/printers/internalversion)
      c.add(
          new Column(
              "Class",
              "string",
              0,
              (o, now) -> Maps.string(o, "spec", "ingressClassName").orElse("<none>")));
      c.add(new Column("Hosts", "string", 0, (o, now) -> ingressHosts(o)));
      c.add(new Column("Address", "string", 0, (o, now) -> ingressAddress(o)));
      c.add(
          new Column(
              "Ports",
              "string",
              0,
              (o, now) -> Maps.list(Maps.get(o, "spec", "tls")).isEmpty() ? "80" : "80, 443"));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else if (group.equals("batch") && plural.equals("jobs")) {
      c.add(
          new Column(
              "Status",
              "string",
              0,
              (o, now) ->
                  Maps.integer(o, "status", "succeeded").orElse(0) > 0
                      ? "Complete"
                      : Maps.integer(o, "status", "failed").orElse(0) > 0 ? "Failed" : "Running"));
      c.add(
          new Column(
              "Completions",
              "string",
              0,
              (o, now) -> Maps.integer(o, "status", "succeeded").orElse(0) + "/1"));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else if (group.isEmpty() && plural.equals("serviceaccounts")) {
      // every namespace has one (default): kubectl get sa prints NAME SECRETS AGE
      c.add(new Column("Secrets", "integer", 0, (o, now) -> Maps.list(o.get("secrets")).size()));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else if (group.isEmpty() && plural.equals("configmaps")) {
      c.add(new Column("Data", "integer", 0, (o, now) -> entries(o, "data", "binaryData")));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else if (group.isEmpty() && plural.equals("secrets")) {
      c.add(new Column("Type", "string", 0, (o, now) -> o.getOrDefault("type", "Opaque")));
      c.add(new Column("Data", "integer", 0, (o, now) -> entries(o, "data", "stringData")));
      c.add(new Column("Age", "string", 0, ServerTables::created));
    } else {
      c.add(new Column("Age", "string", 0, ServerTables::created));
    }
    return c;
  }

  /** The number of keys under the given fields (a ConfigMap's or Secret's DATA column). */
  private static int entries(Map<String, Object> o, String... fields) {
    int n = 0;
    for (String f : fields) {
      n += Maps.map(o.get(f)).size();
    }
    return n;
  }

  /** An Ingress's first three hosts, {@code + N more...}, or {@code *}: formatHosts. */
  private static String ingressHosts(Map<String, Object> ingress) {
    List<Object> rules = Maps.list(Maps.get(ingress, "spec", "rules"));
    List<String> hosts = new ArrayList<>();
    boolean more = false;
    for (Object r : rules) {
      if (hosts.size() == 3) {
        more = true;
      }
      String host = Maps.string(Maps.map(r), "host").orElse("");
      if (!more && !host.isEmpty()) {
        hosts.add(host);
      }
    }
    if (hosts.isEmpty()) {
      return "*";
    }
    return String.join(",", hosts) + (more ? " + " + (rules.size() - 3) + " more..." : "");
  }

  /**
   * The load balancer's IPs and host names, sorted; unclipped, as kube-apiserver's table convertor
   * prints wide.
   */
  private static String ingressAddress(Map<String, Object> ingress) {
    TreeSet<String> addresses = new TreeSet<>();
    for (Object i : Maps.list(Maps.get(ingress, "status", "loadBalancer", "ingress"))) {
      Maps.string(Maps.map(i), "ip").filter(a -> !a.isEmpty()).ifPresent(addresses::add);
      Maps.string(Maps.map(i), "hostname").filter(a -> !a.isEmpty()).ifPresent(addresses::add);
    }
    return String.join(",", addresses);
  }

  /** kubectl's short access modes of a bound claim (RWO, ROX, RWX, RWOP). */
  private static String accessModes(Map<String, Object> claim) {
    List<String> modes = new ArrayList<>();
    for (Object m : Maps.list(Maps.get(claim, "status", "accessModes"))) {
      modes.add(
          switch (String.valueOf(m)) {
            case "ReadWriteOnce" -> "RWO";
            case "ReadOnlyMany" -> "ROX";
            case "ReadWriteMany" -> "RWX";
            case "ReadWriteOncePod" -> "RWOP";
            default -> String.valueOf(m);
          });
    }
    return String.join(",", modes);
  }

  private static Object lastSeen(Map<String, Object> event) {
    for (Object t :
        List.of(
            String.valueOf(event.get("lastTimestamp")),
            String.valueOf(event.get("eventTime")),
            String.valueOf(Maps.get(event, "metadata", "creationTimestamp")))) {
      if (!"null".equals(t)) {
        return t;
      }
    }
    return null;
  }

  private static Object created(Map<String, Object> o, Instant now) {
    return age(Maps.get(o, "metadata", "creationTimestamp"), now);
  }

  /** kubectl's short human durations: 45s, 5m12s, 3h, 2d. */
  static String age(Object timestamp, Instant now) {
    if (timestamp == null) {
      return "<unknown>";
    }
    Duration d = Duration.between(Instant.parse(String.valueOf(timestamp)), now);
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    if (s < 3 * 3600) {
      return (s / 60) + "m";
    }
    if (s < 48 * 3600) {
      return (s / 3600) + "h";
    }
    return (s / 86400) + "d";
  }

  private static Object jsonPath(Map<String, Object> o, String path) {
    return Maps.get(o, path.replaceFirst("^\\.", "").split("\\."));
  }

  private static String ports(Map<String, Object> service) {
    List<String> ports = new ArrayList<>();
    for (Object p : Maps.list(Maps.get(service, "spec", "ports"))) {
      Map<String, Object> port = Maps.map(p);
      ports.add(
          port.get("port")
              + (port.get("nodePort") != null ? ":" + port.get("nodePort") : "")
              + "/"
              + port.getOrDefault("protocol", "TCP"));
    }
    return ports.isEmpty() ? "<none>" : String.join(",", ports);
  }

  private static String selector(Map<String, Object> selector) {
    List<String> parts = new ArrayList<>();
    selector.forEach((k, v) -> parts.add(k + "=" + v));
    return parts.isEmpty() ? "<none>" : String.join(",", parts);
  }
}
