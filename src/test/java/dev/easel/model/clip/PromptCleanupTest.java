package dev.easel.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptCleanupTest {
  @Test
  void unescapesHtmlTwice() {
    assertThat(PromptCleanup.clean("salt &amp; pepper")).isEqualTo("salt & pepper");
    assertThat(PromptCleanup.clean("salt &amp;amp; pepper")).isEqualTo("salt & pepper");
    assertThat(PromptCleanup.clean("&lt;b&gt; caf&eacute; &#39;x&#x27;")).isEqualTo("<b> café 'x'");
  }

  @Test
  void unescapesLikePython() {
    assertThat(PromptCleanup.clean("&copy 2024")).isEqualTo("© 2024");
    assertThat(PromptCleanup.clean("&notit;")).isEqualTo("¬it;");
    assertThat(PromptCleanup.clean("&nosuchentity; &")).isEqualTo("&nosuchentity; &");
    assertThat(PromptCleanup.clean("&#150;&#0;&#99999999999;")).isEqualTo("\u2013\uFFFD\uFFFD");
  }

  @Test
  void collapsesWhitespaceAndStrips() {
    assertThat(PromptCleanup.clean("  a \t\n b\u00a0\u2003c \r\n")).isEqualTo("a b c");
    assertThat(PromptCleanup.clean(" \t \n")).isEmpty();
  }

  @Test
  void repairsUtf8ReadAsWindows1252() {
    assertThat(PromptCleanup.clean("cafÃ© crÃ¨me")).isEqualTo("café crème");
    assertThat(PromptCleanup.clean("itâ€™s â€œfineâ€\u009d")).isEqualTo("it's \"fine\"");
    assertThat(PromptCleanup.clean("Ð¿Ñ€Ð¸Ð²ÐµÑ‚")).isEqualTo("привет");
    assertThat(PromptCleanup.clean("Ã©tÃ© 25Â°C, 🐶 itâ€™s")).isEqualTo("été 25°C, 🐶 it's");
  }

  @Test
  void leavesGenuineTextAlone() {
    assertThat(PromptCleanup.clean("café naïve Ærø")).isEqualTo("café naïve Ærø");
    assertThat(PromptCleanup.clean("まあ、お待ちなさい。")).isEqualTo("まあ、お待ちなさい。");
  }

  @Test
  void appliesTheOtherFtfyRepairs() {
    assertThat(PromptCleanup.clean("\u201cfine\u201d \u2018ok\u2019")).isEqualTo("\"fine\" 'ok'");
    assertThat(PromptCleanup.clean("\uFB01sh \uFF21\uFF22\uFF23\u3000x")).isEqualTo("fish ABC x");
    assertThat(PromptCleanup.clean("a\u0000b\u200Bc\uFEFF\u001B[31mred")).isEqualTo("ab\u200Bcred");
    assertThat(PromptCleanup.clean("cafe\u0301")).isEqualTo("café");
  }
}
