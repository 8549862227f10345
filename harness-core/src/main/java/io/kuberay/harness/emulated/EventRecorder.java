package io.kuberay.harness.emulated;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** Writes core/v1 Events as the operator's and kubelet's event recorders do, for diagnostics and kubectl. */
final class EventRecorder {

  private final KubernetesClient client;
  private final String component;

  EventRecorder(KubernetesClient client, String component) {
    this.client = client;
    this.component = component;
  }

  void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(object.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(object.getMetadata().getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()).toLowerCase(Locale.ROOT))
                  .withNamespace(object.getMetadata().getNamespace())
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(object.getApiVersion())
                  .withKind(object.getKind())
                  .withName(object.getMetadata().getName())
                  .withNamespace(object.getMetadata().getNamespace())
                  .withUid(object.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withCount(1)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withNewSource()
                  .withComponent(component)
                  .endSource()
                  .build())
          .create();
    } catch (RuntimeException e) {
      // Events are best effort, as in Kubernetes.
    }
  }
}
