package io.kuberay.harness.cucumber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LabelSelectorTests {

  @Test
  @DisplayName("key=value pairs separated by commas become an ordered map, blanks ignored")
  void parsesPairs() {
    LabelSelector s =
        LabelSelector.parse("ray.io/cluster=raycluster-kuberay, ray.io/node-type = head");
    assertThat(s.labels())
        .containsExactly(
            Map.entry("ray.io/cluster", "raycluster-kuberay"),
            Map.entry("ray.io/node-type", "head"));
    assertThat(s).hasToString("ray.io/cluster=raycluster-kuberay,ray.io/node-type=head");
  }

  @Test
  @DisplayName("kubectl's k==v spelling and an empty value are accepted")
  void acceptsDoubleEqualsAndEmptyValue() {
    assertThat(LabelSelector.parse("app==web").labels()).containsExactly(Map.entry("app", "web"));
    assertThat(LabelSelector.parse("app=").labels()).containsExactly(Map.entry("app", ""));
  }

  @Test
  @DisplayName(
      "a part without '=' or with set-based syntax fails naming the part and the expected form")
  void rejectsNonEquality() {
    assertThatThrownBy(() -> LabelSelector.parse("app in (a,b)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'app in (a' is not key=value")
        .hasMessageContaining("only equality selectors");
    assertThatThrownBy(() -> LabelSelector.parse("")).hasMessageContaining("'' is not key=value");
    assertThatThrownBy(() -> LabelSelector.parse("a=b,"))
        .hasMessageContaining("'' is not key=value");
  }

  @Test
  @DisplayName("invalid keys or values and repeated keys are rejected")
  void rejectsInvalidNames() {
    assertThatThrownBy(() -> LabelSelector.parse("-bad=x"))
        .hasMessageContaining("'-bad=x' is not key=value");
    assertThatThrownBy(() -> LabelSelector.parse("app=has space"))
        .hasMessageContaining("is not key=value");
    assertThatThrownBy(() -> LabelSelector.parse("a=1,a=2"))
        .hasMessageContaining("names label 'a' twice");
  }
}
