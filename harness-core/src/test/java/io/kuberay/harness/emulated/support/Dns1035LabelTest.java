package io.kuberay.harness.emulated.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** apimachinery's validation.IsDNS1035Label, its errors printed as Go's %v prints a []string. */
class Dns1035LabelTest {

  private static final String FORMAT =
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"
          + " alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or"
          + " 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

  @Test
  @DisplayName("a lower-case label starting with a letter and at most 63 long has no errors")
  void validLabels() {
    assertThat(Dns1035Label.errors("a")).isEmpty();
    assertThat(Dns1035Label.errors("rayjob-sample-2")).isEmpty();
    assertThat(Dns1035Label.errors("a".repeat(63))).isEmpty();
  }

  @Test
  @DisplayName("a name of the wrong form gets the regex error in brackets")
  void wrongForm() {
    for (String name : new String[] {"", "1abc", "Abc", "abc-", "a.b", "a_b"}) {
      assertThat(Dns1035Label.errors(name)).as(name).hasValue("[" + FORMAT + "]");
      assertThat(Dns1035Label.hasFormat(name)).as(name).isFalse();
    }
  }

  @Test
  @DisplayName("a name too long gets the length error first, then the regex error if it has one")
  void tooLong() {
    assertThat(Dns1035Label.errors("a".repeat(64)))
        .hasValue("[must be no more than 63 characters]");
    assertThat(Dns1035Label.errors("a".repeat(63) + "-"))
        .hasValue("[must be no more than 63 characters " + FORMAT + "]");
    assertThat(Dns1035Label.hasFormat("a".repeat(64))).isTrue();
  }
}
