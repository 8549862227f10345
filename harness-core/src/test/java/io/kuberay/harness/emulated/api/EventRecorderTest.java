package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Repeated events are correlated as client-go's recorder does: one Event whose count rises, not one
 * Event per occurrence (the emulated kubelet used to write a new {@code BackOff} event per
 * restart).
 */
class EventRecorderTest {

  private final EmulatedApiServer api = new EmulatedApiServer().start("http://127.0.0.1:1");
  private final MutableClock clock = new MutableClock();

  @AfterEach
  void close() {
    api.close();
  }

  private EventRecorder recorder(String component) {
    return new EventRecorder(
        new EventRecorder.Sink() {
          @Override
          public void create(Map<String, Object> event) {
            api.create(event);
          }

          @Override
          public boolean patch(String namespace, String name, Map<String, Object> patch) {
            return api.patch("/api/v1/namespaces/" + namespace + "/events/" + name, patch);
          }
        },
        component,
        clock);
  }

  private Pod pod() {
    return api.client()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("head")
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("ray-head")
                .withImage("rayproject/ray:2.46.0")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private List<Event> events() {
    return api.client().v1().events().inNamespace("default").list().getItems();
  }

  @Test
  @DisplayName("an identical event raises the count and moves lastTimestamp of the first one")
  void identicalEventsAreCounted() {
    EventRecorder kubelet = recorder("kubelet");
    Pod pod = pod();
    Instant first = clock.now;
    for (int i = 0; i < 5; i++) {
      kubelet.warning(pod, "BackOff", "Back-off restarting failed container ray-head in pod head");
      clock.advance(Duration.ofSeconds(30));
    }

    assertThat(events()).hasSize(1);
    Event event = events().get(0);
    assertThat(event.getCount()).isEqualTo(5);
    assertThat(event.getFirstTimestamp()).isEqualTo(first.toString());
    assertThat(event.getLastTimestamp()).isEqualTo(first.plusSeconds(120).toString());
    assertThat(event.getMetadata().getName()).startsWith("head.");
  }

  @Test
  @DisplayName("another reason, message, type or source is another event")
  void differentEventsStayApart() {
    EventRecorder kubelet = recorder("kubelet");
    EventRecorder operator = recorder("rayjob-controller");
    Pod pod = pod();
    kubelet.warning(pod, "BackOff", "a");
    kubelet.warning(pod, "BackOff", "b");
    kubelet.normal(pod, "BackOff", "a");
    kubelet.warning(pod, "Failed", "a");
    operator.warning(pod, "BackOff", "a");
    kubelet.warning(pod, "BackOff", "a");

    assertThat(events()).hasSize(5);
    assertThat(events()).extracting(Event::getCount).containsExactlyInAnyOrder(2, 1, 1, 1, 1);
  }

  @Test
  @DisplayName("an event deleted meanwhile is created again with the count so far")
  void aDeletedEventIsCreatedAgain() {
    EventRecorder kubelet = recorder("kubelet");
    Pod pod = pod();
    kubelet.warning(pod, "BackOff", "m");
    api.client().v1().events().inNamespace("default").delete();
    kubelet.warning(pod, "BackOff", "m");

    assertThat(events()).singleElement().extracting(Event::getCount).isEqualTo(2);
  }

  @Test
  @DisplayName("the 10th message of one reason within 10 minutes is combined into one event")
  void similarEventsAreCombined() {
    EventRecorder kubelet = recorder("kubelet");
    Pod pod = pod();
    for (int i = 1; i <= 12; i++) {
      kubelet.normal(pod, "Pulled", "message " + i);
      clock.advance(Duration.ofSeconds(1));
    }

    List<Event> events = events();
    assertThat(events).hasSize(10);
    assertThat(events)
        .filteredOn(e -> e.getMessage().startsWith("(combined from similar events): "))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getCount()).isEqualTo(3);
              assertThat(e.getMessage()).isEqualTo("(combined from similar events): message 12");
            });
  }

  @Test
  @DisplayName("a source records 25 events about an object at once, then one every 5 minutes")
  void spamIsFiltered() {
    EventRecorder kubelet = recorder("kubelet");
    Pod pod = pod();
    for (int i = 0; i < 30; i++) {
      kubelet.warning(pod, "BackOff", "m");
    }
    assertThat(events()).singleElement().extracting(Event::getCount).isEqualTo(25);

    clock.advance(Duration.ofMinutes(5));
    kubelet.warning(pod, "BackOff", "m");
    kubelet.warning(pod, "BackOff", "m");
    // The dropped occurrences were counted all the same, as client-go's logger counts before its
    // spam filter drops.
    assertThat(events()).singleElement().extracting(Event::getCount).isEqualTo(31);
  }

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-12-03T07:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
