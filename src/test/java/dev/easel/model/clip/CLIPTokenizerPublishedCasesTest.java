package dev.easel.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.testing.SharedAssets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every prompt → ids vector of {@code clip/published-cases.json}, reproduced exactly. */
class CLIPTokenizerPublishedCasesTest {
  @TestFactory
  List<DynamicTest> reproducesEveryPublishedVector() throws Exception {
    Path cases = SharedAssets.require("clip/published-cases.json");
    CLIPTokenizer tokenizer =
        CLIPTokenizer.load(SharedAssets.require("clip/vocab.json").getParent());
    JsonNode root = new ObjectMapper().readTree(cases.toFile());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      String prompt = c.get("prompt").asText();
      int[] expected =
          IntStream.range(0, c.get("ids").size()).map(i -> c.get("ids").get(i).asInt()).toArray();
      String name = prompt.length() > 40 ? prompt.substring(0, 40) + "…" : prompt;
      tests.add(
          DynamicTest.dynamicTest(
              "\"" + name.replace("\n", "\\n") + "\"",
              () -> {
                int[] ids = tokenizer.encode(prompt);
                int[] withSpecials = new int[ids.length + 2];
                withSpecials[0] = tokenizer.startId();
                System.arraycopy(ids, 0, withSpecials, 1, ids.length);
                withSpecials[ids.length + 1] = tokenizer.endId();
                assertThat(withSpecials).containsExactly(expected);
              }));
    }
    assertThat(tests).hasSize(51);
    return tests;
  }
}
