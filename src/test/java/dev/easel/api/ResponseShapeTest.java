package dev.easel.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import com.openai.models.images.ImageGenCompletedEvent;
import com.openai.models.images.ImagesResponse;
import dev.easel.engine.GeneratedImage;
import dev.easel.engine.GenerationResult;
import dev.easel.engine.ModelCapabilities;
import dev.easel.image.RgbaImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The response bodies Easel builds pass the official SDK's strict validation, Easel's extra {@code
 * seed} field included, and quality/style really change the sampler settings.
 */
class ResponseShapeTest {
  private static final ModelCapabilities SD15 =
      new ModelCapabilities("sd15", 512, 8, 30, 7.5, false, 1L << 20);

  private static ImageJob job(String json) {
    ImageRequestReader reader =
        new ImageRequestReader(
            List::of, 1 << 24, false, new ImageUrls(false, 1 << 20, ImageUrls.TIMEOUT));
    return reader.read(
        Endpoint.GENERATIONS,
        JsonFields.parse(json.getBytes(), new ImageUrls(false, 1 << 20, ImageUrls.TIMEOUT)));
  }

  private static GenerationResult result(int n, int side) {
    List<GeneratedImage> images =
        java.util.stream.IntStream.range(0, n)
            .mapToObj(k -> new GeneratedImage(RgbaImage.blank(side, side), 42 + k))
            .toList();
    return new GenerationResult(images, 7, false, "Euler a");
  }

  @Test
  void gptImageResponsePassesSdkValidation() throws Exception {
    ImageJob job =
        job("{\"prompt\":\"otter\",\"model\":\"gpt-image-1\",\"size\":\"1024x1024\",\"n\":2}");
    GenerationPlan plan = GenerationPlan.of(job, SD15, 0);
    ObjectNode body =
        ImageResponses.imagesResponse(
            job,
            plan,
            result(2, 1024),
            List.of(BinaryNode.valueOf(new byte[3]), BinaryNode.valueOf(new byte[] {4, 16, 65})),
            1_700_000_000L);
    ImagesResponse parsed =
        ObjectMappers.jsonMapper().readValue(HttpResponses.bytes(body), ImagesResponse.class);
    parsed.validate();
    assertThat(parsed.created()).isEqualTo(1_700_000_000L);
    assertThat(parsed.data().orElseThrow()).hasSize(2);
    assertThat(parsed.data().orElseThrow().get(1).b64Json()).contains("BBBB");
    assertThat(body.at("/data/1/seed").asLong()).isEqualTo(43);
    assertThat(parsed.usage().orElseThrow().outputTokens()).isEqualTo(2 * 128 * 128);
    assertThat(parsed.usage().orElseThrow().inputTokensDetails().textTokens()).isEqualTo(7);
    assertThat(body.get("quality").asText()).isEqualTo("medium");
    assertThat(body.get("background").asText()).isEqualTo("opaque");
  }

  @Test
  void dallE3ResponseHasRevisedPromptAndNoUsage() throws Exception {
    ImageJob job =
        job("{\"prompt\":\"otter\",\"model\":\"dall-e-3\",\"response_format\":\"b64_json\"}");
    ObjectNode body =
        ImageResponses.imagesResponse(
            job,
            GenerationPlan.of(job, SD15, 0),
            result(1, 1024),
            List.of(BinaryNode.valueOf(new byte[3])),
            1L);
    ImagesResponse parsed =
        ObjectMappers.jsonMapper().readValue(HttpResponses.bytes(body), ImagesResponse.class);
    parsed.validate();
    assertThat(parsed.data().orElseThrow().get(0).revisedPrompt()).contains("otter");
    assertThat(parsed.usage()).isEmpty();
    assertThat(body.has("size")).isFalse();
  }

  @Test
  void completedEventPassesSdkValidation() throws Exception {
    ImageJob job =
        job(
            "{\"prompt\":\"otter\",\"model\":\"gpt-image-1\",\"stream\":true,\"partial_images\":2}");
    GenerationPlan plan = GenerationPlan.of(job, SD15, 0);
    GenerationResult r = result(1, 512);
    ObjectNode event =
        ImageResponses.completedEvent(
            job, plan, new byte[3], r.images().get(0), ImageResponses.usage(job, r, false), 5L);
    ImageGenCompletedEvent parsed =
        ObjectMappers.jsonMapper()
            .readValue(HttpResponses.bytes(event), ImageGenCompletedEvent.class);
    parsed.validate();
    assertThat(parsed.b64Json()).isEqualTo("AAAA");
    assertThat(event.get("type").asText()).isEqualTo("image_generation.completed");
    assertThat(event.get("size").asText()).isEqualTo("auto");
    assertThat(plan.request().previews()).isEqualTo(2);
  }

  @Test
  void qualityAndStyleChangeStepsAndGuidance() {
    Map<String, Integer> steps = Map.of("low", 15, "medium", 30, "auto", 30, "high", 45);
    steps.forEach(
        (quality, expected) ->
            assertThat(
                    GenerationPlan.of(
                            job(
                                "{\"prompt\":\"o\",\"model\":\"gpt-image-1\",\"quality\":\""
                                    + quality
                                    + "\"}"),
                            SD15,
                            0)
                        .request()
                        .steps())
                .as(quality)
                .isEqualTo(expected));
    var hdVivid =
        GenerationPlan.of(
            job("{\"prompt\":\"o\",\"model\":\"dall-e-3\",\"quality\":\"hd\"}"), SD15, 0);
    assertThat(hdVivid.request().steps()).isEqualTo(45);
    assertThat(hdVivid.request().guidanceScale()).isEqualTo(7.5 * 1.25);
    var natural =
        GenerationPlan.of(
            job("{\"prompt\":\"o\",\"model\":\"dall-e-3\",\"style\":\"natural\"}"), SD15, 0);
    assertThat(natural.request().guidanceScale()).isEqualTo(7.5);
    var explicit =
        GenerationPlan.of(
            job(
                "{\"prompt\":\"o\",\"model\":\"dall-e-3\",\"steps\":4,\"guidance_scale\":2.0,\"seed\":9}"),
            SD15,
            0);
    assertThat(explicit.request().steps()).isEqualTo(4);
    assertThat(explicit.request().guidanceScale()).isEqualTo(2.0);
    assertThat(explicit.request().seed()).isEqualTo(9L);
    var auto = GenerationPlan.of(job("{\"prompt\":\"o\",\"model\":\"gpt-image-1\"}"), SD15, 0);
    assertThat(auto.request().width()).isEqualTo(512);
    assertThat(auto.responseSize()).isNull();
  }

  @Test
  void defaultModelIsDallE2UnlessAGptParameterIsPresent() {
    assertThat(job("{\"prompt\":\"o\"}").rules()).isEqualTo(ModelRules.DALL_E_2);
    assertThat(job("{\"prompt\":\"o\",\"quality\":\"high\"}").rules())
        .isEqualTo(ModelRules.GPT_IMAGE_1_5);
    assertThat(job("{\"prompt\":\"o\",\"output_format\":\"webp\"}").rules())
        .isEqualTo(ModelRules.GPT_IMAGE_1_5);
    assertThat(job("{\"prompt\":\"o\",\"stream\":false}").rules()).isEqualTo(ModelRules.DALL_E_2);
  }
}
