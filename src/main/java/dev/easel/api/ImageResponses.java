package dev.easel.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.easel.engine.GeneratedImage;
import dev.easel.engine.GenerationResult;
import dev.easel.image.RgbaImage;
import java.util.List;

/**
 * The bodies of image responses: {@code ImagesResponse} and the streaming events, with only the
 * spec's enum values in them. Easel adds one field, {@code seed}, to each image (official SDKs
 * ignore unknown fields).
 *
 * <p>Usage: text tokens are the prompt's CLIP tokens as the model encoded them; an image token is
 * one 8×8-pixel cell of the latent the model denoises, so a 1024×1024 image counts 16 384. Input
 * image tokens count the uploaded image the model used (the first; see {@link ImageJob#images()}),
 * output tokens the returned ones.
 */
final class ImageResponses {
  static final ObjectMapper JSON = new ObjectMapper();

  private ImageResponses() {}

  static long imageTokens(int width, int height) {
    return (long) Math.ceilDiv(width, 8) * Math.ceilDiv(height, 8);
  }

  static long inputImageTokens(ImageJob job) {
    if (job.images().isEmpty()) {
      return 0;
    }
    RgbaImage used = job.images().get(0);
    return imageTokens(used.width(), used.height());
  }

  /** Usage of the whole request; with {@code details} the ImagesResponse shape, else events'. */
  static ObjectNode usage(ImageJob job, GenerationResult result, boolean details) {
    long inputImages = inputImageTokens(job);
    long output = 0;
    for (GeneratedImage g : result.images()) {
      output += imageTokens(g.image().width(), g.image().height());
    }
    return usage(result.promptTokens(), inputImages, output, details);
  }

  static ObjectNode usage(long textTokens, long imageTokens, long outputTokens, boolean details) {
    ObjectNode usage = JSON.createObjectNode();
    usage.put("input_tokens", textTokens + imageTokens);
    usage.put("output_tokens", outputTokens);
    usage.put("total_tokens", textTokens + imageTokens + outputTokens);
    ObjectNode input = usage.putObject("input_tokens_details");
    input.put("text_tokens", textTokens);
    input.put("image_tokens", imageTokens);
    if (details) {
      ObjectNode out = usage.putObject("output_tokens_details");
      out.put("image_tokens", outputTokens);
      out.put("text_tokens", 0);
    }
    return usage;
  }

  /**
   * The {@code ImagesResponse}.
   *
   * @param encoded per image, its bytes (for b64_json: a {@link BinaryNode}, which Jackson writes
   *     as standard base64 straight into the body) or its URL (for url: a {@link TextNode})
   */
  static ObjectNode imagesResponse(
      ImageJob job,
      GenerationPlan plan,
      GenerationResult result,
      List<? extends JsonNode> encoded,
      long created) {
    ObjectNode body = JSON.createObjectNode();
    body.put("created", created);
    ArrayNode data = body.putArray("data");
    for (int i = 0; i < encoded.size(); i++) {
      ObjectNode item = data.addObject();
      item.set(job.responseFormat().equals("url") ? "url" : "b64_json", encoded.get(i));
      if (job.rules().revisesPrompt()) {
        item.put("revised_prompt", job.prompt());
      }
      item.put("seed", result.images().get(i).seed());
    }
    if (job.rules().acceptsGptParameters()) {
      body.put("background", job.transparent() ? "transparent" : "opaque");
      body.put("output_format", job.outputFormat().apiName());
      if (plan.responseSize() != null) {
        body.put("size", plan.responseSize());
      }
      body.put("quality", plan.quality());
      body.set("usage", usage(job, result, true));
    }
    return body;
  }

  /** An {@code image_generation.partial_image} or {@code image_edit.partial_image} event. */
  static ObjectNode partialEvent(
      ImageJob job, GenerationPlan plan, byte[] image, int index, long created) {
    ObjectNode event = eventBase(job, plan, "partial_image", image, created);
    event.put("partial_image_index", index);
    return event;
  }

  /** A {@code .completed} event for one image, with that image's share of the usage. */
  static ObjectNode completedEvent(
      ImageJob job,
      GenerationPlan plan,
      byte[] encoded,
      GeneratedImage image,
      ObjectNode usage,
      long created) {
    ObjectNode event = eventBase(job, plan, "completed", encoded, created);
    event.set("usage", usage);
    event.put("seed", image.seed());
    return event;
  }

  private static ObjectNode eventBase(
      ImageJob job, GenerationPlan plan, String kind, byte[] image, long created) {
    ObjectNode event = JSON.createObjectNode();
    event.put("type", job.endpoint().eventPrefix + "." + kind);
    event.put("b64_json", image);
    event.put("created_at", created);
    event.put("size", plan.eventSize());
    event.put("quality", plan.quality());
    event.put("background", job.transparent() ? "transparent" : "opaque");
    event.put("output_format", job.outputFormat().apiName());
    return event;
  }

  /** OpenAI's error envelope. */
  static ObjectNode error(ApiException e) {
    return error(e.getMessage(), e.type(), e.param(), e.code());
  }

  static ObjectNode error(String message, String type, String param, String code) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    return body;
  }
}
