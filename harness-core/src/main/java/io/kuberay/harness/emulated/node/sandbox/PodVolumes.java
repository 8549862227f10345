package io.kuberay.harness.emulated.node.sandbox;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.emulated.support.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pod's volumes as the kubelet sets them up, each in a directory of the pod's own under the
 * environment's directory: configMap, secret, downwardAPI and projected volumes written with {@link
 * AtomicVolumeWriter} (so {@link #refresh()} reaches running containers as the kubelet's sync
 * does), emptyDir as a directory shared by the pod's containers, hostPath as the host's own path, a
 * bound persistentVolumeClaim as a directory of the claim's own that outlives the pod.
 */
public final class PodVolumes {

  private static final int DEFAULT_MODE = 0644;

  /** A volume the kubelet cannot set up (yet): its name and the kubelet's message. */
  public static final class VolumeException extends RuntimeException {
    private final String volume;

    VolumeException(String volume, String message) {
      super(message);
      this.volume = volume;
    }

    /** The volume's name in the pod. */
    public String volume() {
      return volume;
    }

    /** The FailedMount event's message. */
    public String kubeletMessage() {
      return "MountVolume.SetUp failed for volume \"" + volume + "\" : " + getMessage();
    }
  }

  private final KubernetesClient client;
  private final Pod pod;
  private final Path dir;
  private final DownwardValues downward;
  private final InClusterApi api;
  private final Path claims;
  private final Map<String, Path> claimDirs = new ConcurrentHashMap<>();

  PodVolumes(KubernetesClient client, Pod pod, Path dir, NodeCapacity node, InClusterApi api) {
    this(client, pod, dir, dir.resolveSibling("claims"), node, api);
  }

  /**
   * @param claims where the directories of PersistentVolumeClaims are, kept across pods
   */
  PodVolumes(
      KubernetesClient client,
      Pod pod,
      Path dir,
      Path claims,
      NodeCapacity node,
      InClusterApi api) {
    this.claims = claims;
    this.client = client;
    this.api = api;
    this.pod = pod;
    this.dir = dir;
    this.downward = new DownwardValues(pod, node);
  }

  private List<Volume> volumes() {
    return pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
  }

  Optional<Volume> volume(String name) {
    return volumes().stream().filter(v -> name.equals(v.getName())).findFirst();
  }

  /**
   * Sets up every volume of the pod.
   *
   * @throws VolumeException for the first volume that cannot be set up, with the kubelet's message
   */
  void setUp() {
    for (Volume v : volumes()) {
      setUp(v);
    }
  }

  /**
   * Writes the content-backed volumes again from the current ConfigMaps and Secrets; true when a
   * file changed.
   */
  boolean refresh() {
    boolean changed = false;
    for (Volume v : volumes()) {
      if (v.getConfigMap() != null
          || v.getSecret() != null
          || v.getDownwardAPI() != null
          || v.getProjected() != null) {
        try {
          changed |= setUp(v);
        } catch (VolumeException e) {
          // The kubelet keeps the last content when a source goes away.
        }
      }
    }
    return changed;
  }

  /**
   * Whether a volume of this pod takes content from the ConfigMap ({@code kind} "ConfigMap") or
   * Secret named.
   */
  boolean uses(String kind, String name) {
    for (Volume v : volumes()) {
      if ("ConfigMap".equals(kind)
          && v.getConfigMap() != null
          && name.equals(v.getConfigMap().getName())) {
        return true;
      }
      if ("Secret".equals(kind)
          && v.getSecret() != null
          && name.equals(v.getSecret().getSecretName())) {
        return true;
      }
      if (v.getProjected() != null && v.getProjected().getSources() != null) {
        for (VolumeProjection p : v.getProjected().getSources()) {
          if ("ConfigMap".equals(kind)
                  && p.getConfigMap() != null
                  && name.equals(p.getConfigMap().getName())
              || "Secret".equals(kind)
                  && p.getSecret() != null
                  && name.equals(p.getSecret().getName())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Where a volume's content is on this machine. */
  Path source(Volume v) {
    if (v.getHostPath() != null) {
      return Path.of(v.getHostPath().getPath());
    }
    if (v.getPersistentVolumeClaim() != null && claimDirs.containsKey(v.getName())) {
      return claimDirs.get(v.getName());
    }
    return dir.resolve(v.getName());
  }

  private boolean setUp(Volume v) {
    Path target = dir.resolve(v.getName());
    if (v.getEmptyDir() != null) {
      createDirectory(target);
      return false;
    }
    if (v.getHostPath() != null) {
      checkHostPath(v);
      return false;
    }
    if (v.getPersistentVolumeClaim() != null) {
      claimDirs.put(v.getName(), claimDirectory(v));
      return false;
    }
    Map<String, AtomicVolumeWriter.Entry> payload = new LinkedHashMap<>();
    if (v.getConfigMap() != null) {
      ConfigMapVolumeSource s = v.getConfigMap();
      configMap(
          v.getName(),
          s.getName(),
          s.getItems(),
          mode(s.getDefaultMode()),
          Boolean.TRUE.equals(s.getOptional()),
          payload);
    } else if (v.getSecret() != null) {
      SecretVolumeSource s = v.getSecret();
      secret(
          v.getName(),
          s.getSecretName(),
          s.getItems(),
          mode(s.getDefaultMode()),
          Boolean.TRUE.equals(s.getOptional()),
          payload);
    } else if (v.getDownwardAPI() != null) {
      downwardApi(
          v.getName(),
          v.getDownwardAPI().getItems(),
          mode(v.getDownwardAPI().getDefaultMode()),
          payload);
    } else if (v.getProjected() != null) {
      int mode = mode(v.getProjected().getDefaultMode());
      for (VolumeProjection p : v.getProjected().getSources()) {
        if (p.getConfigMap() != null) {
          ConfigMapProjection c = p.getConfigMap();
          configMap(
              v.getName(),
              c.getName(),
              c.getItems(),
              mode,
              Boolean.TRUE.equals(c.getOptional()),
              payload);
        } else if (p.getSecret() != null) {
          SecretProjection c = p.getSecret();
          secret(
              v.getName(),
              c.getName(),
              c.getItems(),
              mode,
              Boolean.TRUE.equals(c.getOptional()),
              payload);
        } else if (p.getDownwardAPI() != null) {
          downwardApi(v.getName(), p.getDownwardAPI().getItems(), mode, payload);
        } else if (p.getServiceAccountToken() != null) {
          // The service account's token, which the API server's front accepts (see
          // ServiceAccountTokens).
          String account =
              pod.getSpec().getServiceAccountName() == null
                  ? "default"
                  : pod.getSpec().getServiceAccountName();
          String token =
              api != null
                  ? api.tokens().issue(pod.getMetadata().getNamespace(), account)
                  : "emulated-service-account-token-" + account;
          payload.put(p.getServiceAccountToken().getPath(), entry(token, mode));
        } else {
          throw new VolumeException(
              v.getName(),
              "projected source "
                  + Json.toMap(p).keySet()
                  + " is not supported on the emulated node (configMap, secret, downwardAPI, serviceAccountToken are)");
        }
      }
    } else {
      Map<String, Object> raw = Json.toMap(v);
      raw.remove("name");
      throw new VolumeException(
          v.getName(),
          "volume type "
              + raw.keySet()
              + " is not supported on the emulated node"
              + " (configMap, secret, emptyDir, downwardAPI, projected, hostPath and persistentVolumeClaim are); use one of those, or the k3s backend");
    }
    return AtomicVolumeWriter.write(target, payload);
  }

  private void configMap(
      String volume,
      String name,
      List<KeyToPath> items,
      int mode,
      boolean optional,
      Map<String, AtomicVolumeWriter.Entry> payload) {
    ConfigMap cm =
        client.configMaps().inNamespace(pod.getMetadata().getNamespace()).withName(name).get();
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (cm == null) {
      if (optional) {
        return;
      }
      throw new VolumeException(volume, "configmap \"" + name + "\" not found");
    } else {
      if (cm.getData() != null) {
        cm.getData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
      }
      if (cm.getBinaryData() != null) {
        cm.getBinaryData().forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
      }
    }
    project(
        volume,
        "configmap references non-existent config key: ",
        data,
        items,
        mode,
        optional,
        payload);
  }

  private void secret(
      String volume,
      String name,
      List<KeyToPath> items,
      int mode,
      boolean optional,
      Map<String, AtomicVolumeWriter.Entry> payload) {
    Secret secret =
        client.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(name).get();
    if (secret == null) {
      if (optional) {
        return;
      }
      throw new VolumeException(volume, "secret \"" + name + "\" not found");
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
    }
    project(volume, "references non-existent secret key: ", data, items, mode, optional, payload);
  }

  private static void project(
      String volume,
      String missingKey,
      Map<String, byte[]> data,
      List<KeyToPath> items,
      int mode,
      boolean optional,
      Map<String, AtomicVolumeWriter.Entry> payload) {
    if (items == null || items.isEmpty()) {
      data.forEach((k, val) -> payload.put(k, new AtomicVolumeWriter.Entry(val, mode)));
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = data.get(item.getKey());
      if (value == null) {
        if (optional) {
          continue;
        }
        throw new VolumeException(volume, missingKey + item.getKey());
      }
      payload.put(
          item.getPath(),
          new AtomicVolumeWriter.Entry(value, item.getMode() != null ? item.getMode() : mode));
    }
  }

  private void downwardApi(
      String volume,
      List<DownwardAPIVolumeFile> items,
      int mode,
      Map<String, AtomicVolumeWriter.Entry> payload) {
    if (items == null) {
      return;
    }
    for (DownwardAPIVolumeFile item : items) {
      String value;
      try {
        if (item.getFieldRef() != null) {
          value = downward.field(item.getFieldRef().getFieldPath());
        } else if (item.getResourceFieldRef() != null) {
          value = downward.resource(null, item.getResourceFieldRef());
        } else {
          continue;
        }
      } catch (IllegalArgumentException e) {
        throw new VolumeException(volume, e.getMessage());
      }
      payload.put(item.getPath(), entry(value, item.getMode() != null ? item.getMode() : mode));
    }
  }

  private void checkHostPath(Volume v) {
    Path path = Path.of(v.getHostPath().getPath());
    String type = v.getHostPath().getType() == null ? "" : v.getHostPath().getType();
    if (!Files.exists(path)) {
      if (type.isEmpty()) {
        // The kubelet mounts a missing path of no type as a new directory: here that would write
        // the host.
        throw new VolumeException(
            v.getName(),
            "hostPath "
                + path
                + " does not exist on this machine, and the emulated"
                + " node never creates host paths; create it before the pod starts");
      }
      throw new VolumeException(
          v.getName(),
          "hostPath type check failed: "
              + path
              + " is not a "
              + (type.startsWith("File") ? "file" : "directory")
              + (type.endsWith("OrCreate")
                  ? " (the emulated node never creates host paths: create it before the pod starts)"
                  : ""));
    }
    if (type.startsWith("Directory") && !Files.isDirectory(path)
        || type.startsWith("File") && !Files.isRegularFile(path)) {
      throw new VolumeException(
          v.getName(),
          "hostPath type check failed: "
              + path
              + " is not a "
              + (type.startsWith("File") ? "file" : "directory"));
    }
  }

  private static AtomicVolumeWriter.Entry entry(String value, int mode) {
    return new AtomicVolumeWriter.Entry(value.getBytes(StandardCharsets.UTF_8), mode);
  }

  private static int mode(Integer mode) {
    return mode == null ? DEFAULT_MODE : mode;
  }

  /**
   * A bound claim's volume: a directory of the node's own per claim (by uid), which outlives the
   * pod as a local-path volume does, so a StatefulSet's pod finds its data again.
   */
  private Path claimDirectory(Volume v) {
    String name = v.getPersistentVolumeClaim().getClaimName();
    String namespace = pod.getMetadata().getNamespace();
    PersistentVolumeClaim claim =
        client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
    if (claim == null) {
      throw new VolumeException(v.getName(), "persistentvolumeclaim \"" + name + "\" not found");
    }
    if (claim.getStatus() == null || !"Bound".equals(claim.getStatus().getPhase())) {
      throw new VolumeException(
          v.getName(), "persistentvolumeclaim \"" + name + "\" is not bound (phase Pending)");
    }
    String uid = String.valueOf(claim.getMetadata().getUid());
    Path target =
        claims.resolve(namespace + "_" + name + "_" + uid.substring(0, Math.min(8, uid.length())));
    createDirectory(target);
    return target;
  }

  private static void createDirectory(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create volume directory " + p + ": " + e.getMessage(), e);
    }
  }
}
