package io.kuberay.harness.emulated.api;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.emulated.api.gc.DeleteOptions;
import io.kuberay.harness.emulated.api.gc.GarbageCollector;
import io.kuberay.harness.emulated.api.gc.Propagation;
import io.kuberay.harness.emulated.api.protobuf.ProtobufBodies;
import io.kuberay.harness.emulated.api.rbac.RbacAuthorizer;
import io.kuberay.harness.emulated.api.rbac.UserInfo;
import io.kuberay.harness.emulated.api.review.AccessReviews;
import io.kuberay.harness.emulated.api.review.AuthenticationReviews;
import io.kuberay.harness.emulated.api.schema.CustomResourceSchema;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.store.ApiException;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.PatchSchema;
import io.kuberay.harness.emulated.store.Patches;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.store.Selector;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.NameSuffix;
import io.kuberay.harness.emulated.support.QueryString;
import io.kuberay.harness.emulated.support.ServiceAccountTokens;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The emulated API server's front door. {@link StoreRequests} serves the REST verbs from the {@link
 * ObjectStore}; this adds what a real API server does around them and what users hit: discovery,
 * generateName, admission defaults, CRD schema validation and defaulting, name rules, namespace
 * existence, owner-reference garbage collection, namespace deletion, server-side apply, pod logs —
 * and a clear 4xx for what is not emulated.
 */
public final class ApiDispatcher extends Dispatcher {

  private static final ResourceRef RAY_CLUSTERS = new ResourceRef("ray.io", "v1", "rayclusters");
  private static final Map<String, ResourceRef> OWNER_RESOURCES =
      Map.of(
          "RayCluster",
          RAY_CLUSTERS,
          "RayJob",
          new ResourceRef("ray.io", "v1", "rayjobs"),
          "RayService",
          new ResourceRef("ray.io", "v1", "rayservices"),
          "Job",
          new ResourceRef("batch", "v1", "jobs"),
          "Deployment",
          new ResourceRef("apps", "v1", "deployments"),
          "StatefulSet",
          new ResourceRef("apps", "v1", "statefulsets"),
          "DaemonSet",
          new ResourceRef("apps", "v1", "daemonsets"));

  private final ObjectStore store;
  private final StoreRequests rest;
  private final Discovery discovery = new Discovery();
  private final OpenApiDocuments openApi;
  private final Map<String, Map<String, Object>> schemas = new ConcurrentHashMap<>();
  private final Map<String, List<Object>> printerColumns = new ConcurrentHashMap<>();
  private final AtomicInteger nextServiceIp = new AtomicInteger(10);

  /** The next node port: kube-apiserver's default range is 30000-32767. */
  private final AtomicInteger nextNodePort = new AtomicInteger();

  private final String gitVersion;
  private volatile PodEndpoints podEndpoints = PodEndpoints.NONE;
  private final ServiceAccountTokens serviceAccountTokens;
  private final RbacAuthorizer authorizer;

  private static final ResourceRef SERVICE_ACCOUNTS = new ResourceRef("", "v1", "serviceaccounts");
  private static final ResourceRef SERVICES = new ResourceRef("", "v1", "services");
  private static final ResourceRef CONFIG_MAPS = new ResourceRef("", "v1", "configmaps");

  /**
   * The CA that signed the HTTPS front's certificate, which the root-ca-cert-publisher puts in
   * every namespace's {@code kube-root-ca.crt}; empty for a server without a front (unit tests).
   */
  private volatile CompletableFuture<String> rootCa = CompletableFuture.completedFuture("");

  public ApiDispatcher(ObjectStore store, String gitVersion) {
    this.store = store;
    this.authorizer = new RbacAuthorizer(store);
    this.serviceAccountTokens = new ServiceAccountTokens(this::serviceAccountUid);
    this.rest = new StoreRequests(store, discovery);
    this.gitVersion = gitVersion;
    this.openApi = new OpenApiDocuments(discovery, gitVersion);
    GarbageCollector.attach(store, this::ownerKind);
  }

  /** The served resource an ownerReference's apiVersion and kind name (the collector's mapper). */
  private Optional<GarbageCollector.OwnerKind> ownerKind(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    return discovery
        .findKind(group, apiVersion.substring(slash + 1), kind)
        .map(
            r ->
                new GarbageCollector.OwnerKind(
                    new ResourceRef(r.group(), r.version(), r.plural()), r.namespaced()));
  }

  public ObjectStore store() {
    return store;
  }

  /**
   * The tokens of this server's service accounts: what the kubelet mounts in pods, the TokenRequest
   * API ({@code kubectl create token}) hands out and the HTTPS front authenticates.
   */
  public ServiceAccountTokens serviceAccountTokens() {
    return serviceAccountTokens;
  }

  /**
   * The 403 kube-apiserver's RBAC authorizer gives {@code user} for {@code method} on {@code uri}
   * (path and query); empty when allowed. The admin and the in-process identity are always allowed.
   */
  public Optional<MockResponse> refusal(UserInfo user, String method, String uri) {
    return authorizer.refusal(user, method, uri);
  }

  public void podEndpoints(PodEndpoints endpoints) {
    this.podEndpoints = endpoints;
  }

  /**
   * Sets the CA published as {@code kube-root-ca.crt}; call before the namespaces are made. Until
   * it is ready, namespaces get their {@code default} ServiceAccount only, as a
   * root-ca-cert-publisher that has not caught up; once ready it goes into every Active namespace,
   * and a pod that mounts it waits for it at admission.
   */
  public void rootCa(CompletableFuture<String> caPem) {
    this.rootCa = caPem;
    caPem.thenRun(
        () ->
            store.list(ResourceRef.NAMESPACES, null, o -> true).items().stream()
                .map(ns -> Maps.string(Maps.map(ns.object().get("metadata")), "name").orElse(""))
                .filter(name -> !name.isEmpty())
                .forEach(this::ensureNamespaceObjects));
  }

  private static final Duration ROOT_CA_TIMEOUT = Duration.ofMinutes(1);

  /** kube-apiserver's {@code --max-request-body-bytes} default: 3 MiB. */
  static final long MAX_REQUEST_BODY_BYTES = 3L * 1024 * 1024;

  /** A request of the in-process client: the operator's, the node's and the environment's own. */
  @Override
  public MockResponse dispatch(RecordedRequest request) {
    return dispatch(request, UserInfo.IN_PROCESS);
  }

  /**
   * A request made as {@code user}, already authorized (see {@link #refusal}); the user matters to
   * the access reviews, which answer for the requester.
   */
  public MockResponse dispatch(RecordedRequest request, UserInfo user) {
    try {
      return route(request, user);
    } catch (ApiException e) {
      return e.response();
    } catch (RuntimeException e) {
      return ApiErrors.status(500, "InternalError", "emulated API server: " + e);
    }
  }

  /**
   * Creates an object given as a map, without a client round trip. The top level and metadata are
   * copied, so a CRD (which admission leaves alone) can be shared between environments; watchers
   * see it as usual.
   */
  public MockResponse create(String collectionPath, Map<String, Object> object) {
    Map<String, Object> body = new LinkedHashMap<>(object);
    body.put("metadata", new LinkedHashMap<>(Maps.map(object.get("metadata"))));
    try {
      return create(ApiPath.parse(collectionPath).orElseThrow(), body);
    } catch (ApiException e) {
      return e.response();
    }
  }

  /** The collection an object of this apiVersion and kind is created in. */
  String collectionPath(Map<String, Object> object) {
    String apiVersion = String.valueOf(object.get("apiVersion"));
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    Discovery.ApiResource r =
        discovery
            .findKind(group, version, String.valueOf(object.get("kind")))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "The emulated API server does not serve "
                            + object.get("kind")
                            + " of "
                            + apiVersion));
    String namespace = (String) Maps.map(object.get("metadata")).get("namespace");
    String base = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    return r.namespaced() && namespace != null
        ? base + "/namespaces/" + namespace + "/" + r.plural()
        : base + "/" + r.plural();
  }

  private MockResponse route(RecordedRequest request, UserInfo user) {
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    String method = request.getMethod();
    if ("GET".equals(method)) {
      Optional<MockResponse> spec =
          openApi.serve(
              bare,
              path.contains("?") ? path.substring(path.indexOf('?') + 1) : "",
              request.getHeader("Accept"));
      if (spec.isPresent()) {
        return spec.get();
      }
      Optional<MockResponse> doc = discoveryDocument(bare);
      if (doc.isPresent()) {
        return doc.get();
      }
    }
    Optional<ApiPath> parsed = ApiPath.parse(path);
    if (parsed.isEmpty()) {
      return ApiErrors.status(
          404, "NotFound", "the server could not find the requested resource (path " + bare + ")");
    }
    ApiPath api = parsed.get();
    if (request.getBody() != null && request.getBody().size() > MAX_REQUEST_BODY_BYTES) {
      return ApiErrors.status(
          413,
          "RequestEntityTooLarge",
          "Request entity too large: limit is " + MAX_REQUEST_BODY_BYTES);
    }
    if (api.subresource() == null && !ProtobufBodies.acceptsJson(request.getHeader("Accept"))) {
      return ApiErrors.status(
          406,
          "NotAcceptable",
          "the emulated API server answers in application/json only, which the Accept header '"
              + request.getHeader("Accept")
              + "' does not allow; Go clients add it after protobuf (application/vnd.kubernetes.protobuf,application/json)");
    }
    if ("POST".equals(method)
        && api.group().isEmpty()
        && ("bindings".equals(api.plural()) || "binding".equals(api.subresource()))) {
      return bind(api, parse(request));
    }
    if (discovery.find(api.group(), api.version(), api.plural()).isEmpty()) {
      return ApiErrors.status(
          404,
          "NotFound",
          "the server could not find the requested resource ("
              + api.plural()
              + (api.group().isEmpty() ? "" : "." + api.group())
              + ")");
    }
    if (AccessReviews.isReview(api.group(), api.plural())
        || AuthenticationReviews.isReview(api.group(), api.plural())) {
      if (!"POST".equals(method)) {
        return ApiErrors.status(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource");
      }
      if (AccessReviews.isReview(api.group(), api.plural())) {
        return AccessReviews.review(
            api.plural(), api.namespace(), parse(request), user, authorizer);
      }
      return "selfsubjectreviews".equals(api.plural())
          ? AuthenticationReviews.whoAmI(parse(request), user)
          : AuthenticationReviews.tokenReview(parse(request), serviceAccountTokens);
    }
    if (api.subresource() != null && !"status".equals(api.subresource())) {
      return subresource(request, api);
    }
    if ("status".equals(api.subresource()) && !List.of("GET", "PUT", "PATCH").contains(method)) {
      return ApiErrors.status(
          405,
          "MethodNotAllowed",
          "the server does not allow this method on the requested resource");
    }
    FieldCheck fields = fieldProblems(request, api, method);
    MockResponse response = verb(request, api, method, fields.body());
    if (response.code() < 300
        && !"GET".equals(method)
        && api.group().isEmpty()
        && api.namespace() != null
        && !dryRun(api)
        && ("serviceaccounts".equals(api.plural()) || "configmaps".equals(api.plural()))) {
      // The serviceaccounts controller and the root CA publisher put back what was deleted or
      // changed.
      ensureNamespaceObjects(api.namespace());
    }
    return fields.problems().isEmpty() || response.code() >= 300
        ? response
        : FieldValidation.warn(response, fields.problems());
  }

  /**
   * The unknown and duplicate fields of a write, and its JSON body when reading them parsed it (so
   * the verb does not parse it again), else null.
   */
  private record FieldCheck(List<String> problems, Map<String, Object> body) {
    static final FieldCheck NONE = new FieldCheck(List.of(), null);
  }

  /**
   * Unknown and duplicate fields of a create, update or patch, under the request's {@code
   * fieldValidation}: Strict fails the request here (400), before admission, as the API server's
   * decoder does; Warn returns them for the response's Warning headers; Ignore drops them.
   */
  private FieldCheck fieldProblems(RecordedRequest request, ApiPath api, String method) {
    if (!List.of("POST", "PUT", "PATCH").contains(method)
        || request.getBody() == null
        || request.getBody().size() == 0) {
      return FieldCheck.NONE;
    }
    FieldValidation.Directive directive =
        FieldValidation.directive(api.queryParam("fieldValidation"));
    if (directive == FieldValidation.Directive.IGNORE) {
      return FieldCheck.NONE;
    }
    Optional<Discovery.ApiResource> resource =
        discovery.find(api.group(), api.version(), api.plural());
    OpenApiSchemas schemas = openApi.schemas();
    Optional<Map<String, Object>> schema = resource.flatMap(schemas::schema);
    if (schema.isEmpty()) {
      return FieldCheck.NONE;
    }
    String text = new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    String type = String.valueOf(request.getHeader("Content-Type"));
    boolean patch = "PATCH".equals(method) && !type.startsWith("application/apply-patch");
    Map<String, Object> result;
    List<String> alreadyThere = List.of();
    try {
      if (patch) {
        Optional<StoredObject> current = store.get(api.resource(), api.namespace(), api.name());
        if (current.isEmpty()) {
          return FieldCheck.NONE;
        }
        // Only what the patch brings counts: the stored object is not re-judged.
        alreadyThere = FieldValidation.unknownFields(schemas, schema.get(), current.get().object());
        result = Patches.apply(type, text, current.get().object(), patchSchema(api));
      } else {
        result = JsonText.readObject(text);
      }
    } catch (ApiException e) {
      // A body or patch that cannot be read: the verb itself answers with the reason.
      return FieldCheck.NONE;
    }
    List<String> unknown =
        new ArrayList<>(FieldValidation.unknownFields(schemas, schema.get(), result));
    unknown.removeAll(alreadyThere);
    List<String> problems =
        FieldValidation.problems(
            type.startsWith("application/json-patch")
                ? List.of()
                : FieldValidation.duplicateFields(text),
            unknown);
    if (!problems.isEmpty() && directive == FieldValidation.Directive.STRICT) {
      String kind = String.valueOf(result.getOrDefault("kind", resource.get().kind()));
      throw new ApiException(
          400,
          "BadRequest",
          patch
              ? FieldValidation.patchMessage(problems)
              : FieldValidation.bodyMessage(kind, api.version(), problems));
    }
    return new FieldCheck(problems, patch ? null : result);
  }

  private MockResponse verb(
      RecordedRequest request, ApiPath api, String method, Map<String, Object> parsed) {
    switch (method) {
      case "POST":
        return create(api, parsed != null ? parsed : parse(request));
      case "PUT":
        return replace(api, parsed != null ? parsed : parse(request));
      case "PATCH":
        return patch(request, api);
      case "DELETE":
        return delete(api, deleteOptions(request, api));
      case "GET":
        if (api.queryHas("watch", "true") || api.queryHas("watch", "1")) {
          return rest.watch(api);
        }
        MockResponse response = rest.read(api);
        if (ServerTables.wanted(request.getHeader("Accept")) && response.code() == 200) {
          if (!ServerTables.validIncludeObject(api.queryParam("includeObject"))) {
            return ApiErrors.status(
                400,
                "BadRequest",
                "unrecognized includeObject value: \"" + api.queryParam("includeObject") + "\"");
          }
          return asTable(api, response);
        }
        return response;
      default:
        return ApiErrors.status(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource");
    }
  }

  /** The response as the Table kubectl asked for, so {@code kubectl get} prints real columns. */
  private MockResponse asTable(ApiPath api, MockResponse response) {
    Map<String, Object> body = JsonText.readObject(response.getBody().readUtf8());
    List<Object> printer =
        printerColumns.getOrDefault(
            api.group() + "/" + api.version() + "/" + api.plural(), List.of());
    Map<String, Object> table =
        ServerTables.table(
            body,
            ServerTables.columns(api.group(), api.plural(), printer),
            Instant.now(),
            api.queryParam("includeObject"));
    return ApiErrors.json(200, table)
        .setHeader("Content-Type", "application/json;as=Table;v=v1;g=meta.k8s.io");
  }

  private Optional<MockResponse> discoveryDocument(String path) {
    switch (path) {
      case "/version":
        return Optional.of(ApiErrors.json(200, version()));
      case "/api":
        return Optional.of(ApiErrors.json(200, discovery.coreVersions()));
      case "/apis":
        return Optional.of(ApiErrors.json(200, discovery.groupList()));
      case "/healthz":
      case "/readyz":
      case "/livez":
        return Optional.of(new MockResponse().setResponseCode(200).setBody("ok"));
      default:
        break;
    }
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    if (parts.length == 2 && parts[0].equals("api")) {
      return discovery.resourceList(parts[1]).map(d -> ApiErrors.json(200, d));
    }
    if (parts.length == 2 && parts[0].equals("apis")) {
      return Optional.of(
          discovery
              .group(parts[1])
              .map(d -> ApiErrors.json(200, d))
              .orElse(
                  ApiErrors.status(
                      404, "NotFound", "the server could not find the requested resource")));
    }
    if (parts.length == 3 && parts[0].equals("apis")) {
      return Optional.of(
          discovery
              .resourceList(parts[1] + "/" + parts[2])
              .map(d -> ApiErrors.json(200, d))
              .orElse(
                  ApiErrors.status(
                      404, "NotFound", "the server could not find the requested resource")));
    }
    return Optional.empty();
  }

  private Map<String, Object> version() {
    Map<String, Object> v = new LinkedHashMap<>();
    String[] mm = gitVersion.replace("v", "").split("\\.");
    v.put("major", mm[0]);
    v.put("minor", mm[1]);
    v.put("gitVersion", gitVersion);
    v.put("gitCommit", "kuberay-harness-emulated");
    v.put("gitTreeState", "clean");
    v.put("buildDate", "2026-01-01T00:00:00Z");
    v.put("goVersion", "go1.26");
    v.put("compiler", "gc");
    v.put("platform", "linux/amd64");
    return v;
  }

  /**
   * pods/binding (or a Binding object): the scheduler's assignment of a pod to a node; not a spec
   * change.
   */
  private MockResponse bind(ApiPath api, Map<String, Object> binding) {
    String pod =
        "binding".equals(api.subresource())
            ? api.name()
            : String.valueOf(Maps.map(binding.get("metadata")).get("name"));
    Object node = Maps.map(binding.get("target")).get("name");
    if (node == null) {
      return ApiErrors.status(400, "BadRequest", "Binding " + pod + " has no target.name");
    }
    try {
      store.bind(
          new ResourceRef("", "v1", "pods"),
          api.namespace(),
          pod,
          current -> {
            Map<String, Object> spec = Maps.map(current.get("spec"));
            if (spec.get("nodeName") != null) {
              throw new ApiException(
                  409,
                  "Conflict",
                  "pod " + pod + " is already assigned to node \"" + spec.get("nodeName") + "\"");
            }
            spec.put("nodeName", node);
            current.put("spec", spec);
            return current;
          });
    } catch (ApiException e) {
      return e.response();
    }
    Map<String, Object> success = new LinkedHashMap<>();
    success.put("kind", "Status");
    success.put("apiVersion", "v1");
    success.put("metadata", Map.of());
    success.put("status", "Success");
    success.put("code", 201);
    return ApiErrors.json(201, success);
  }

  private MockResponse subresource(RecordedRequest request, ApiPath api) {
    if ("apps".equals(api.group())
        && "scale".equals(api.subresource())
        && List.of("deployments", "replicasets", "statefulsets").contains(api.plural())) {
      return scale(request, api);
    }
    if (api.group().isEmpty()
        && "serviceaccounts".equals(api.plural())
        && "token".equals(api.subresource())) {
      return "POST".equals(request.getMethod())
          ? tokenRequest(api, parse(request))
          : ApiErrors.status(
              405,
              "MethodNotAllowed",
              "the server does not allow this method on the requested resource");
    }
    if (api.group().isEmpty() && "pods".equals(api.plural())) {
      switch (api.subresource()) {
        case "log":
          // The same options as over HTTPS: container, previous, tailLines, limitBytes.
          Optional<String> log;
          try {
            log = podEndpoints.logs(api.namespace(), api.name(), new QueryString(api.query()));
          } catch (IllegalArgumentException e) {
            return ApiErrors.status(400, "BadRequest", String.valueOf(e.getMessage()));
          }
          return log.map(
                  text ->
                      new MockResponse()
                          .setResponseCode(200)
                          .setHeader("Content-Type", "text/plain")
                          .setBody(text))
              .orElse(ApiErrors.notFound("pods", "", api.name()));
        case "exec":
        case "attach":
        case "portforward":
          return podEndpoints.stream(request, api)
              .orElse(
                  ApiErrors.unsupported(
                      "pods/" + api.subresource() + " over this connection",
                      "Use the harness's PodHandle.exec(...) and RayClusterHandle.dashboardUrl(), or run ./kuberay-harness up for kubectl exec and port-forward."));
        default:
          break;
      }
    }
    return ApiErrors.unsupported(
        "the subresource " + api.plural() + "/" + api.subresource(),
        "Only status, scale (Deployments, ReplicaSets, StatefulSets), pods/log, pods/exec, pods/portforward and serviceaccounts/token are emulated.");
  }

  /**
   * The scale subresource of Deployments, ReplicaSets and StatefulSets ({@code kubectl scale}): an
   * autoscaling/v1 Scale read from the object; a PUT or merge patch of it sets {@code
   * spec.replicas}.
   */
  private MockResponse scale(RecordedRequest request, ApiPath api) {
    ApiPath object =
        new ApiPath(
            api.group(), api.version(), api.namespace(), api.plural(), api.name(), null, "");
    Optional<StoredObject> existing = store.get(object.resource(), api.namespace(), api.name());
    if (existing.isEmpty()) {
      return ApiErrors.notFound(api.plural(), api.group(), api.name());
    }
    String method = request.getMethod();
    if ("GET".equals(method)) {
      return ApiErrors.json(200, scaleOf(existing.get().object()));
    }
    if (!"PUT".equals(method) && !"PATCH".equals(method)) {
      return ApiErrors.status(
          405,
          "MethodNotAllowed",
          "the server does not allow this method on the requested resource");
    }
    String type = String.valueOf(request.getHeader("Content-Type"));
    if (type.startsWith("application/json-patch")) {
      return ApiErrors.unsupported(
          "a JSON patch of " + api.plural() + "/scale",
          "Send a merge patch ({\"spec\":{\"replicas\":N}}), as kubectl scale does, or a PUT.");
    }
    Object replicas = Maps.get(parse(request), "spec", "replicas");
    if (!(replicas instanceof Number n) || n.intValue() < 0) {
      return ApiErrors.status(
          422,
          "Invalid",
          "Scale.autoscaling \""
              + api.name()
              + "\" is invalid: spec.replicas: Invalid value: "
              + replicas
              + ": must be greater than or equal to 0");
    }
    Map<String, Object> body = existing.get().object();
    Maps.map(body.get("spec")).put("replicas", n.intValue());
    MockResponse replaced = rest.replace(object, body);
    if (replaced.code() >= 300) {
      return replaced;
    }
    return ApiErrors.json(
        200,
        scaleOf(store.get(object.resource(), api.namespace(), api.name()).orElseThrow().object()));
  }

  private static Map<String, Object> scaleOf(Map<String, Object> workload) {
    Map<String, Object> from = Maps.map(workload.get("metadata"));
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (String k : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (from.get(k) != null) {
        metadata.put(k, from.get(k));
      }
    }
    List<String> selector = new ArrayList<>();
    Maps.stringMap(Maps.get(workload, "spec", "selector", "matchLabels"))
        .forEach((k, v) -> selector.add(k + "=" + v));
    Map<String, Object> scale = new LinkedHashMap<>();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    scale.put("metadata", metadata);
    scale.put("spec", Map.of("replicas", Maps.integer(workload, "spec", "replicas").orElse(1)));
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("replicas", Maps.integer(workload, "status", "replicas").orElse(0));
    status.put("selector", String.join(",", selector));
    scale.put("status", status);
    return scale;
  }

  /** The uid of service account {@code namespace/name}, if it exists. */
  private Optional<String> serviceAccountUid(String namespace, String name) {
    return store
        .get(new ResourceRef("", "v1", "serviceaccounts"), namespace, name)
        .map(o -> String.valueOf(Maps.map(o.object().get("metadata")).get("uid")));
  }

  /**
   * The TokenRequest API ({@code kubectl create token <sa>}): the service account's token, which
   * the HTTPS front authenticates as that account. The emulator's tokens are one signed JWT per
   * account that does not expire here (its {@code exp} is a year ahead; docs/PARITY.md); the
   * expiration answered is the one asked for, or an hour, as the request's answer on a cluster.
   */
  private MockResponse tokenRequest(ApiPath api, Map<String, Object> request) {
    if (store
        .get(new ResourceRef("", "v1", "serviceaccounts"), api.namespace(), api.name())
        .isEmpty()) {
      return ApiErrors.notFound("serviceaccounts", "", api.name());
    }
    Map<String, Object> spec = new LinkedHashMap<>(Maps.map(request.get("spec")));
    Object seconds = spec.getOrDefault("expirationSeconds", 3600);
    spec.put("expirationSeconds", seconds);
    spec.putIfAbsent("audiences", ServiceAccountTokens.AUDIENCES);
    spec.putIfAbsent("boundObjectRef", null);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", api.name());
    metadata.put("namespace", api.namespace());
    metadata.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("token", serviceAccountTokens.issue(api.namespace(), api.name()));
    status.put(
        "expirationTimestamp",
        Instant.now()
            .truncatedTo(ChronoUnit.SECONDS)
            .plusSeconds(Long.parseLong(String.valueOf(seconds)))
            .toString());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("kind", "TokenRequest");
    answer.put("apiVersion", "authentication.k8s.io/v1");
    answer.put("metadata", metadata);
    answer.put("spec", spec);
    answer.put("status", status);
    return ApiErrors.json(201, answer);
  }

  private static String query(ApiPath api, String key) {
    for (String kv : api.query().split("&")) {
      if (kv.startsWith(key + "=")) {
        return URLDecoder.decode(kv.substring(key.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private MockResponse create(ApiPath api, Map<String, Object> body) {
    Map<String, Object> metadata = Maps.map(body.get("metadata"));
    body.put("metadata", metadata);
    // Admission errors name the object as the request did: generateName's prefix when no name.
    String requested =
        metadata.get("name") != null
            ? String.valueOf(metadata.get("name"))
            : String.valueOf(metadata.getOrDefault("generateName", ""));
    if (metadata.get("name") == null && metadata.get("generateName") instanceof String prefix) {
      metadata.put("name", generateName(prefix));
    }
    String name = (String) metadata.get("name");
    String kind = String.valueOf(body.getOrDefault("kind", api.plural()));
    Optional<String> badName = ObjectNames.check(api.plural(), api.group(), name);
    if (badName.isPresent()) {
      return ApiErrors.invalid(kind, api.group(), name == null ? "" : name, List.of(badName.get()));
    }
    if (api.namespace() != null) {
      if (metadata.get("namespace") != null && !api.namespace().equals(metadata.get("namespace"))) {
        return ApiErrors.status(
            400,
            "BadRequest",
            "the namespace of the provided object does not match the namespace sent on the request");
      }
      metadata.put("namespace", api.namespace());
      Optional<StoredObject> namespace = store.get(ResourceRef.NAMESPACES, null, api.namespace());
      if (namespace.isEmpty()) {
        return ApiErrors.status(
            404, "NotFound", "namespaces \"" + api.namespace() + "\" not found");
      }
      Optional<MockResponse> terminating =
          NamespaceLifecycle.refuseNewContent(namespace.get(), api.resource().qualified(), name);
      if (terminating.isPresent()) {
        return terminating.get();
      }
    }
    if (store.get(api.resource(), api.namespace(), name).isPresent()) {
      return ApiErrors.status(
          409, "AlreadyExists", api.resource().qualified() + " \"" + name + "\" already exists");
    }
    List<String> notChecked = new ArrayList<>();
    Optional<MockResponse> rejected = admit(api, kind, name, body, requested, null, notChecked);
    if (rejected.isPresent()) {
      return rejected.get();
    }
    Consumer<Map<String, Object>> prepare =
        "batch".equals(api.group()) && "jobs".equals(api.plural())
            ? Admission::generateJobSelector
            : o -> {};
    if (dryRun(api)) {
      // Admitted and defaulted as for real, and not stored.
      metadata.putIfAbsent("uid", UUID.randomUUID().toString());
      metadata.putIfAbsent(
          "creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      prepare.accept(body);
      return FieldValidation.warn(ApiErrors.json(201, body), notChecked);
    }
    MockResponse response = rest.create(api, body, prepare);
    if (isCrd(api)) {
      registerCrd(body);
    }
    if (api.group().isEmpty() && "namespaces".equals(api.plural()) && response.code() < 300) {
      ensureNamespaceObjects(name);
    }
    if (api.namespace() != null && ownerGone(api.namespace(), metadata)) {
      // A controller that raced with its owner's deletion: the garbage collector removes the
      // orphan.
      store.delete(api.resource(), api.namespace(), name);
    }
    return response.code() < 300 ? FieldValidation.warn(response, notChecked) : response;
  }

  private MockResponse replace(ApiPath api, Map<String, Object> body) {
    if ("status".equals(api.subresource())) {
      List<String> notChecked = new ArrayList<>();
      MockResponse response = rest.replace(api, body, schemaCheck(api, notChecked));
      return response.code() < 300 ? FieldValidation.warn(response, notChecked) : response;
    }
    String kind = String.valueOf(body.getOrDefault("kind", api.plural()));
    Optional<StoredObject> before = store.get(api.resource(), api.namespace(), api.name());
    List<String> notChecked = new ArrayList<>();
    Optional<MockResponse> rejected =
        admit(
            api,
            kind,
            api.name(),
            body,
            null,
            before.map(StoredObject::object).orElse(null),
            notChecked);
    if (rejected.isPresent()) {
      return rejected.get();
    }
    if (dryRun(api)) {
      return before.isEmpty()
          ? ApiErrors.notFound(api.plural(), api.group(), api.name())
          : FieldValidation.warn(ApiErrors.json(200, body), notChecked);
    }
    MockResponse response = rest.replace(api, body);
    if (isCrd(api)) {
      registerCrd(body);
    }
    return response.code() < 300 ? FieldValidation.warn(response, notChecked) : response;
  }

  private MockResponse patch(RecordedRequest request, ApiPath api) {
    String type = String.valueOf(request.getHeader("Content-Type"));
    if (type.startsWith("application/apply-patch")) {
      return serverSideApply(request, api);
    }
    List<String> notChecked = new ArrayList<>();
    MockResponse response =
        rest.patch(
            api,
            request.getHeader("Content-Type"),
            request.getBody() == null ? "" : request.getBody().readUtf8(),
            patchSchema(api),
            api.group().isEmpty() && "services".equals(api.plural()) && api.subresource() == null
                ? ServiceValidation::patchCauses
                : schemaCheck(api, notChecked));
    if (response.code() < 300) {
      FieldValidation.warn(response, notChecked);
    }
    if (isCrd(api) && response.code() == 200) {
      // kubectl apply of a changed CRD patches it: its schema, discovery and OpenAPI follow the new
      // version.
      store
          .get(api.resource(), api.namespace(), api.name())
          .ifPresent(crd -> registerCrd(crd.object()));
    }
    return response;
  }

  /**
   * A custom resource's CRD schema and rules for a patch's result or a {@code /status} write (a
   * main-resource PUT is admitted before it reaches the store); the rules it could not check go to
   * {@code notChecked}, for the response's warnings.
   */
  private StoreRequests.WriteCheck schemaCheck(ApiPath api, List<String> notChecked) {
    Map<String, Object> schema =
        schemas.get(api.group() + "/" + api.version() + "/" + api.plural());
    if (schema == null) {
      return StoreRequests.WriteCheck.NONE;
    }
    if ("status".equals(api.subresource())) {
      return (old, next) -> {
        notChecked.clear();
        return CustomResourceSchema.admitStatus(schema, next, old, notChecked);
      };
    }
    boolean statusSubresource =
        discovery.hasStatusSubresource(api.group(), api.version(), api.plural());
    return (old, next) -> {
      notChecked.clear();
      return CustomResourceSchema.admit(schema, next, old, statusSubresource, notChecked);
    };
  }

  /**
   * Server-side apply, approximated: create when absent, otherwise a JSON merge of the applied
   * fields.
   */
  private MockResponse serverSideApply(RecordedRequest request, ApiPath api) {
    Map<String, Object> applied = parse(request);
    Optional<StoredObject> existing = store.get(api.resource(), api.namespace(), api.name());
    if (existing.isEmpty()) {
      return create(ApiPath.parse(api.collection()).orElseThrow(), applied);
    }
    Map<String, Object> merged = existing.get().object();
    Map<String, Object> status = Maps.map(merged.get("status"));
    mergeInto(merged, applied);
    Maps.map(merged.get("metadata")).remove("managedFields");
    if (!"status".equals(api.subresource()) && !status.isEmpty()) {
      merged.put("status", status);
    }
    return replace(api, merged);
  }

  @SuppressWarnings("unchecked")
  private static void mergeInto(Map<String, Object> target, Map<String, Object> patch) {
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      Object existing = target.get(e.getKey());
      if (e.getValue() instanceof Map<?, ?> p && existing instanceof Map<?, ?> t) {
        mergeInto((Map<String, Object>) t, (Map<String, Object>) p);
      } else if (e.getValue() == null) {
        target.remove(e.getKey());
      } else {
        target.put(e.getKey(), e.getValue());
      }
    }
  }

  /** A DELETE's DeleteOptions: its body when it has one, otherwise its query. */
  private static DeleteOptions deleteOptions(RecordedRequest request, ApiPath api) {
    Map<String, Object> body;
    try {
      body = parse(request);
    } catch (RuntimeException e) {
      body = Map.of(); // no DeleteOptions: the default
    }
    return DeleteOptions.parse(api::queryParam, body);
  }

  /**
   * DELETE of an object or a collection: marked while finalizers hold it (with {@code orphan} or
   * {@code foregroundDeletion} added as the propagation policy says), removed otherwise; the
   * garbage collector takes care of the dependents.
   */
  private MockResponse delete(ApiPath api, DeleteOptions options) {
    List<String> invalid = options.invalid();
    if (!invalid.isEmpty()) {
      return ApiErrors.invalid("DeleteOptions", "meta.k8s.io", "", invalid);
    }
    if (api.name() == null) {
      return rest.delete(api, options);
    }
    Optional<StoredObject> existing = store.get(api.resource(), api.namespace(), api.name());
    if (existing.isEmpty()) {
      return ApiErrors.notFound(api.plural(), api.group(), api.name());
    }
    if (dryRun(api)) {
      return ApiErrors.json(200, existing.get().object());
    }
    if (api.group().isEmpty() && "namespaces".equals(api.plural())) {
      return NamespaceLifecycle.terminate(
          existing.get(),
          terminating -> rest.replace(api, terminating),
          name -> {
            deleteNamespaceContents(name);
            rest.delete(api, DeleteOptions.NONE);
          });
    }
    MockResponse response = rest.delete(api, options);
    if (isCrd(api)) {
      discovery.removeCrd(existing.get().object());
      openApi.crdRemoved(existing.get().object());
    }
    return response;
  }

  /**
   * Whether a controller owner the emulator manages (RayCluster, RayJob, Job, Deployment,
   * StatefulSet, DaemonSet; not ReplicaSet: the operator's pod names one that is not stored) no
   * longer exists with that uid.
   */
  private boolean ownerGone(String namespace, Map<String, Object> metadata) {
    for (Object o : Maps.list(metadata.get("ownerReferences"))) {
      Map<String, Object> owner = Maps.map(o);
      ResourceRef resource = OWNER_RESOURCES.get(String.valueOf(owner.get("kind")));
      if (resource == null) {
        continue;
      }
      Optional<StoredObject> current =
          store.get(resource, namespace, String.valueOf(owner.get("name")));
      if (current.isEmpty() || !String.valueOf(owner.get("uid")).equals(current.get().uid())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The namespace controller's job: everything in a deleted namespace goes with it, each deleted
   * with background propagation as the controller asks.
   */
  private void deleteNamespaceContents(String namespace) {
    DeleteOptions background = DeleteOptions.of(Propagation.BACKGROUND);
    for (Discovery.ApiResource r : discovery.namespacedResources()) {
      ResourceRef resource = new ResourceRef(r.group(), r.version(), r.plural());
      store.deleteAll(resource, namespace, Selector.ALL, background.finalizers(resource));
    }
  }

  /** {@code dryRun=All}: everything up to storing, nothing stored. */
  private static boolean dryRun(ApiPath api) {
    return api.queryHas("dryRun", "All");
  }

  /**
   * Admission: defaults and validation; a rejection is returned as the response.
   *
   * @param requested on a create, the name as the request gave it (generateName's prefix when it
   *     gave none), for the mutating admission plugins' refusals; null on an update
   */
  private Optional<MockResponse> admit(
      ApiPath api,
      String kind,
      String name,
      Map<String, Object> body,
      String requested,
      Map<String, Object> old,
      List<String> notChecked) {
    boolean pod = api.group().isEmpty() && "pods".equals(api.plural());
    if (pod) {
      Optional<String> undecodable = ObjectValidation.undecodableQuantity(body);
      if (undecodable.isPresent()) {
        return Optional.of(
            ApiErrors.status(
                400,
                "BadRequest",
                "Pod in version \"v1\" cannot be handled as a Pod: " + undecodable.get()));
      }
      Admission.defaultPod(body);
      awaitRootCa(api.namespace());
      if (requested != null) {
        Optional<String> refused =
            Admission.admitServiceAccount(
                body,
                api.namespace(),
                account ->
                    store
                        .get(SERVICE_ACCOUNTS, api.namespace(), account)
                        .map(StoredObject::object));
        if (refused.isPresent()) {
          return Optional.of(forbidden(api.plural(), requested, refused.get()));
        }
      }
    }
    List<String> invalid =
        new ArrayList<>(ObjectValidation.metadata(Maps.map(body.get("metadata"))));
    if (pod) {
      invalid.addAll(ObjectValidation.pod(body));
    }
    if (!invalid.isEmpty()) {
      return Optional.of(ApiErrors.invalid(kind, api.group(), name, invalid));
    }
    if (pod) {
      // defaulted above, before the admission plugins
    } else if (Admission.isWorkload(api.group(), kind)) {
      Admission.defaultWorkload(kind, body);
    } else if (api.group().isEmpty()
        && ("secrets".equals(api.plural()) || "configmaps".equals(api.plural()))) {
      Optional<String> undecodable =
          Admission.normalizeBinaryData(
              "secrets".equals(api.plural()) ? "Secret" : "ConfigMap", body);
      if (undecodable.isPresent()) {
        return Optional.of(ApiErrors.status(400, "BadRequest", undecodable.get()));
      }
    } else if (api.group().isEmpty() && "services".equals(api.plural())) {
      Optional<MockResponse> refused = admitService(api, name, body, old);
      if (refused.isPresent()) {
        return refused;
      }
    }
    Map<String, Object> schema =
        schemas.get(api.group() + "/" + api.version() + "/" + api.plural());
    if (schema != null) {
      // Unknown fields were reported by fieldProblems under the request's fieldValidation; here
      // they are pruned.
      List<String> causes =
          CustomResourceSchema.admit(
              schema,
              body,
              old,
              discovery.hasStatusSubresource(api.group(), api.version(), api.plural()),
              notChecked);
      if (!causes.isEmpty()) {
        return Optional.of(ApiErrors.invalid(kind, api.group(), name, causes));
      }
    }
    return Optional.empty();
  }

  /**
   * A Service as the service REST storage takes it: on an update the allocated values the request
   * left out are kept, node ports named are checked by the allocator, the rest are allocated, then
   * {@code ValidateService} (and {@code ValidateServiceUpdate}) runs.
   */
  private Optional<MockResponse> admitService(
      ApiPath api, String name, Map<String, Object> body, Map<String, Object> old) {
    if (old != null) {
      ServiceValidation.keepAllocated(body, old);
    }
    Set<Integer> taken = new HashSet<>();
    for (StoredObject s : store.list(SERVICES, null, o -> true).items()) {
      if (!(name.equals(s.name()) && Objects.equals(api.namespace(), s.namespace()))) {
        taken.addAll(ServiceValidation.heldNodePorts(s.object()));
      }
    }
    List<String> refused = ServiceValidation.nodePortCauses(body, taken);
    if (refused.isEmpty()) {
      taken.addAll(ServiceValidation.heldNodePorts(body));
      Admission.defaultService(
          body,
          () ->
              "10.43."
                  + (nextServiceIp.get() / 250)
                  + "."
                  + (nextServiceIp.getAndIncrement() % 250 + 1),
          () -> freeNodePort(taken));
      if (old != null) {
        refused.addAll(ServiceValidation.updateCauses(body, old));
      }
      refused.addAll(ServiceValidation.causes(body));
    }
    return refused.isEmpty()
        ? Optional.empty()
        : Optional.of(ApiErrors.invalid("Service", "", name, refused));
  }

  /** The allocator's next node port that no service holds (30000-32767). */
  private int freeNodePort(Set<Integer> taken) {
    int range = ServiceValidation.NODE_PORT_MAX - ServiceValidation.NODE_PORT_MIN + 1;
    for (int i = 0; i < range; i++) {
      int port =
          ServiceValidation.NODE_PORT_MIN
              + Math.floorMod(nextNodePort.getAndIncrement() * 7919 + 1337, range);
      if (taken.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("range is full"); // kube-apiserver's allocator's error
  }

  /**
   * {@code admission.NewForbidden}: 403 {@code <resource> "<name>" is forbidden: <cause>}, the
   * details naming the object.
   */
  private static MockResponse forbidden(String plural, String name, String cause) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", name);
    details.put("kind", plural);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.put("metadata", Map.of());
    status.put("status", "Failure");
    status.put("message", plural + " \"" + name + "\" is forbidden: " + cause);
    status.put("reason", "Forbidden");
    status.put("details", details);
    status.put("code", 403);
    return ApiErrors.json(403, status);
  }

  /**
   * kube-controller-manager's serviceaccounts controller and root-ca-cert-publisher for one
   * namespace, run within the request that made the namespace or deleted or changed their objects
   * (a cluster's controllers take milliseconds): ServiceAccount {@code default} and ConfigMap
   * {@code kube-root-ca.crt} (this server's CA) exist in every Active namespace, and the ConfigMap
   * holds exactly the CA.
   */
  private void ensureNamespaceObjects(String namespace) {
    Optional<StoredObject> ns = store.get(ResourceRef.NAMESPACES, null, namespace);
    if (ns.isEmpty() || NamespaceLifecycle.terminating(ns.get())) {
      return;
    }
    try {
      publishNamespaceObjects(namespace);
    } catch (ApiException e) {
      // A write raced with this one (409): the write that follows it syncs again.
    }
  }

  /**
   * Before a pod is admitted, its namespace's {@code kube-root-ca.crt} (which its token volume
   * mounts) exists: the CA is made at start on a thread of its own, in a second or so.
   */
  private void awaitRootCa(String namespace) {
    if (rootCa.isDone()) {
      return;
    }
    try {
      rootCa.get(ROOT_CA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "The emulated API server's CA (for kube-root-ca.crt) was not made within "
              + ROOT_CA_TIMEOUT,
          e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "The emulated API server's CA could not be made", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while waiting for the emulated API server's CA", e);
    }
    ensureNamespaceObjects(namespace);
  }

  private void publishNamespaceObjects(String namespace) {
    String ca = this.rootCa.getNow(null);
    Optional<StoredObject> rootCa =
        ca == null
            ? Optional.empty()
            : store.get(CONFIG_MAPS, namespace, NamespaceLifecycle.ROOT_CA_CONFIG_MAP);
    boolean hasAccount =
        store
            .get(SERVICE_ACCOUNTS, namespace, NamespaceLifecycle.DEFAULT_SERVICE_ACCOUNT)
            .isPresent();
    for (Map.Entry<String, Map<String, Object>> missing :
        NamespaceLifecycle.missingObjects(hasAccount, ca == null || rootCa.isPresent(), ca)) {
      create(
          ApiPath.parse("/api/v1/namespaces/" + namespace + "/" + missing.getKey()).orElseThrow(),
          missing.getValue());
    }
    rootCa
        .flatMap(cm -> NamespaceLifecycle.restoredRootCa(cm.object(), ca))
        .ifPresent(
            restored ->
                rest.replace(
                    ApiPath.parse(
                            "/api/v1/namespaces/"
                                + namespace
                                + "/configmaps/"
                                + NamespaceLifecycle.ROOT_CA_CONFIG_MAP)
                        .orElseThrow(),
                    restored));
  }

  /**
   * Where a strategic merge patch of the resource finds its fields' patch strategies: the kind's
   * OpenAPI schema for a built-in kind; null for a custom resource, which refuses such patches.
   */
  private PatchSchema patchSchema(ApiPath api) {
    if (discovery.isCustom(api.group(), api.version(), api.plural())) {
      return null;
    }
    OpenApiSchemas known = openApi.schemas();
    return discovery
        .find(api.group(), api.version(), api.plural())
        .flatMap(known::schema)
        .map(s -> new PatchSchema(s, known::resolve))
        .orElse(PatchSchema.NONE);
  }

  private static boolean isCrd(ApiPath api) {
    return "apiextensions.k8s.io".equals(api.group())
        && "customresourcedefinitions".equals(api.plural());
  }

  private void registerCrd(Map<String, Object> crd) {
    discovery.addCrd(crd);
    openApi.crdChanged(crd);
    Map<String, Object> spec = Maps.map(crd.get("spec"));
    String group = String.valueOf(spec.get("group"));
    String plural = String.valueOf(Maps.map(spec.get("names")).get("plural"));
    for (Object v : Maps.list(spec.get("versions"))) {
      Map<String, Object> version = Maps.map(v);
      Object schema = Maps.get(version, "schema", "openAPIV3Schema");
      if (schema instanceof Map<?, ?>) {
        schemas.put(group + "/" + version.get("name") + "/" + plural, Maps.map(schema));
      }
      printerColumns.put(
          group + "/" + version.get("name") + "/" + plural,
          Maps.list(version.get("additionalPrinterColumns")));
    }
  }

  private static String generateName(String prefix) {
    return prefix + NameSuffix.random();
  }

  private static Map<String, Object> parse(RecordedRequest request) {
    if (ProtobufBodies.isProtobuf(request.getHeader("Content-Type")) && request.getBody() != null) {
      return ProtobufBodies.decode(request.getBody().getBytes());
    }
    String text =
        request.getBody() == null
            ? ""
            : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    return text.isBlank() ? new LinkedHashMap<>() : JsonText.readObject(text);
  }

  /** Pod subresources served by the emulated node. */
  public interface PodEndpoints {
    PodEndpoints NONE =
        new PodEndpoints() {
          @Override
          public Optional<String> logs(String namespace, String pod, QueryString query) {
            return Optional.empty();
          }

          @Override
          public Optional<MockResponse> stream(RecordedRequest request, ApiPath path) {
            return Optional.empty();
          }
        };

    /**
     * The pod's log as the request's query selects it; empty for no such pod, an {@link
     * IllegalArgumentException} with the kubelet's message for a 400.
     */
    Optional<String> logs(String namespace, String pod, QueryString query);

    Optional<MockResponse> stream(RecordedRequest request, ApiPath path);
  }
}
