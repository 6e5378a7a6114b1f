package dev.easel.api;

import dev.easel.image.DecodeLimits;
import dev.easel.image.DecodedImage;
import dev.easel.image.ImageDecoder;
import dev.easel.image.ImageFormat;
import dev.easel.image.ImageFormatException;
import dev.easel.image.InpaintMask;
import dev.easel.image.MaskSizeException;
import dev.easel.image.OutputFormat;
import dev.easel.image.RgbaImage;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the fields of an image request into an {@link ImageJob}, applying the requested model's
 * OpenAI rules; every violation is a 400 naming the parameter.
 */
final class ImageRequestReader {
  static final Set<String> FILE_FIELDS = Set.of("image", "image[]", "mask");
  private static final Set<String> EXTRAS =
      Set.of("seed", "steps", "guidance_scale", "negative_prompt", "scheduler", "strength");
  private static final Set<String> GENERATION_FIELDS =
      Set.of(
          "prompt",
          "model",
          "n",
          "quality",
          "response_format",
          "output_format",
          "output_compression",
          "stream",
          "partial_images",
          "size",
          "moderation",
          "background",
          "style",
          "user");

  /** {@code EditImageBodyJsonParam}'s properties. */
  private static final Set<String> JSON_EDIT_FIELDS =
      Set.of(
          "model",
          "images",
          "mask",
          "prompt",
          "n",
          "quality",
          "input_fidelity",
          "size",
          "user",
          "output_format",
          "output_compression",
          "moderation",
          "background",
          "stream",
          "partial_images");

  /** A JSON edit's {@code size} is a closed enum (no free sizes, even for gpt-image-2). */
  private static final List<String> JSON_EDIT_SIZES =
      List.of("auto", "1024x1024", "1536x1024", "1024x1536");

  private static final List<String> GPT_ONLY =
      List.of(
          "output_format",
          "output_compression",
          "background",
          "moderation",
          "partial_images",
          "stream",
          "input_fidelity");
  private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");
  private static final long DALL_E_2_MAX_BYTES = 4L * 1024 * 1024;
  static final long GPT_MAX_BYTES = 50L * 1024 * 1024;
  static final int MAX_STEPS = 150;

  /** Widest side an upload may have (the pixel count is the configured limit). */
  static final int MAX_INPUT_SIDE = 16_384;

  private final Supplier<List<String>> localModels;
  private final DecodeLimits limits;
  private final boolean matting;
  private final ImageUrls urls;

  /**
   * @param localModels names of the loaded models (they may be asked for directly)
   * @param maxInputPixels largest width × height of an uploaded image
   * @param matting whether a matting model makes {@code background: transparent} possible
   * @param urls resolves a multipart edit's {@code image_url} field
   */
  ImageRequestReader(
      Supplier<List<String>> localModels, long maxInputPixels, boolean matting, ImageUrls urls) {
    this.localModels = localModels;
    this.limits = new DecodeLimits(MAX_INPUT_SIDE, maxInputPixels);
    this.matting = matting;
    this.urls = urls;
  }

  ImageJob read(Endpoint endpoint, Fields f) {
    boolean jsonEdit = endpoint == Endpoint.EDITS && f.isJson();
    if (endpoint == Endpoint.GENERATIONS || jsonEdit) {
      Set<String> known = jsonEdit ? JSON_EDIT_FIELDS : GENERATION_FIELDS;
      for (String name : f.names()) {
        if (!known.contains(name) && !EXTRAS.contains(name)) {
          throw ApiException.unknownParameter(name);
        }
      }
    }
    String model = f.string("model").orElse(null);
    ModelRules rules;
    String localModel = null;
    if (model == null) {
      rules = defaultRules(endpoint, f);
      model = rules.id();
    } else if (ModelRules.byId(model).isPresent()) {
      rules = ModelRules.byId(model).orElseThrow();
    } else if (localModels.get().contains(model)) {
      rules = ModelRules.LOCAL;
      localModel = model;
    } else {
      throw ApiException.invalidValue("model", model, supportedModels(endpoint));
    }
    if (endpoint == Endpoint.EDITS && !rules.servesEdits()
        || endpoint == Endpoint.VARIATIONS && !rules.servesVariations()) {
      throw ApiException.invalidValue("model", model, supportedModels(endpoint));
    }
    if (jsonEdit && rules.family() == ModelRules.Family.DALL_E) {
      throw ApiException.invalid(
          "JSON edits support GPT image models only; send '"
              + model
              + "' edits as multipart/form-data.",
          "model",
          "invalid_value");
    }
    checkFamilyParameters(endpoint, rules, f);

    String prompt = "";
    if (endpoint != Endpoint.VARIATIONS) {
      prompt = f.string("prompt").orElseThrow(() -> ApiException.missing("prompt"));
      if (prompt.isBlank()) {
        throw ApiException.invalid("'prompt' must not be empty.", "prompt", "empty_string");
      }
      checkLength("prompt", prompt, rules);
    }
    int n = (int) range(f, "n", 1, 10, 1);
    if (n > rules.maxN()) {
      throw ApiException.invalid(
          "You must provide n=" + rules.maxN() + " for this model.", "n", "invalid_value");
    }
    int[] size = size(endpoint, rules, f, jsonEdit);
    String quality = oneOf(f, "quality", qualities(endpoint, rules), "auto");
    String style =
        rules.styles().isEmpty() ? null : oneOf(f, "style", rules.styles(), rules.styles().get(0));
    String responseFormat =
        rules.acceptsResponseFormat()
            ? oneOf(f, "response_format", List.of("url", "b64_json"), "url")
            : "b64_json";
    OutputFormat outputFormat =
        OutputFormat.fromApiName(oneOf(f, "output_format", List.of("png", "jpeg", "webp"), "png"));
    int compression = (int) range(f, "output_compression", 0, 100, 100);
    boolean transparent =
        oneOf(f, "background", List.of("transparent", "opaque", "auto"), "auto")
            .equals("transparent");
    if (transparent && !matting) {
      throw ApiException.invalid(
          "background='transparent' needs a matting model and none is configured"
              + " (matting.model); use 'opaque' or 'auto'.",
          "background",
          "unsupported_value");
    }
    if (transparent && outputFormat == OutputFormat.JPEG) {
      throw ApiException.invalid(
          "background='transparent' needs output_format 'png' or 'webp': JPEG has no alpha.",
          "background",
          "invalid_value");
    }
    oneOf(f, "moderation", List.of("low", "auto"), "auto");
    if (endpoint == Endpoint.EDITS) {
      oneOf(f, "input_fidelity", List.of("high", "low"), "low");
    }
    boolean stream = f.bool("stream").orElse(false);
    if (stream && endpoint == Endpoint.VARIATIONS) {
      throw ApiException.invalid(
          "Streaming is not supported for image variations.", "stream", "unsupported_value");
    }
    int partialImages = (int) range(f, "partial_images", 0, 3, 0);

    ImageJob.Extras extras = extras(f, rules);
    List<RgbaImage> images = List.of();
    RgbaImage mask = null;
    if (endpoint != Endpoint.GENERATIONS) {
      images = images(endpoint, rules, f);
      mask = mask(rules, f, images.get(0));
    }
    return new ImageJob(
        endpoint,
        rules,
        model,
        localModel,
        prompt,
        n,
        size[0],
        size[1],
        quality,
        style,
        responseFormat,
        outputFormat,
        compression,
        transparent,
        stream,
        partialImages,
        extras,
        images,
        mask);
  }

  /** dall-e-2 unless a parameter only GPT image models take is present (then gpt-image-1.5). */
  private static ModelRules defaultRules(Endpoint endpoint, Fields f) {
    if (endpoint != Endpoint.GENERATIONS) {
      return endpoint.defaultModel();
    }
    boolean gptParameter =
        GPT_ONLY.stream().anyMatch(p -> f.names().contains(p) && !p.equals("stream"))
            || f.bool("stream").orElse(false)
            || f.string("quality")
                .filter(q -> List.of("low", "medium", "high").contains(q))
                .isPresent();
    return gptParameter ? ModelRules.GPT_IMAGE_1_5 : ModelRules.DALL_E_2;
  }

  private List<String> supportedModels(Endpoint endpoint) {
    return Stream.concat(
            Stream.of(ModelRules.values())
                .filter(
                    r ->
                        r != ModelRules.LOCAL
                            && (endpoint != Endpoint.EDITS || r.servesEdits())
                            && (endpoint != Endpoint.VARIATIONS || r.servesVariations()))
                .flatMap(r -> r.ids().stream()),
            localModels.get().stream())
        .toList();
  }

  private static void checkFamilyParameters(Endpoint endpoint, ModelRules rules, Fields f) {
    if (!rules.acceptsResponseFormat() && f.names().contains("response_format")) {
      throw ApiException.unknownParameter("response_format");
    }
    if (!rules.acceptsGptParameters()) {
      for (String p : GPT_ONLY) {
        boolean harmless = p.equals("stream") && !f.bool("stream").orElse(false);
        if (f.names().contains(p) && !harmless) {
          throw unsupported(p, rules);
        }
      }
    }
    if (endpoint == Endpoint.EDITS
        && f.names().contains("input_fidelity")
        && !rules.acceptsInputFidelity()) {
      throw unsupported("input_fidelity", rules);
    }
    if (rules.styles().isEmpty() && f.names().contains("style")) {
      throw unsupported("style", rules);
    }
  }

  private static ApiException unsupported(String param, ModelRules rules) {
    return ApiException.invalid(
        "Unsupported parameter: '"
            + param
            + "' is not supported with the model '"
            + rules.id()
            + "'.",
        param,
        "unsupported_parameter");
  }

  private static List<String> qualities(Endpoint endpoint, ModelRules rules) {
    return endpoint == Endpoint.EDITS && rules == ModelRules.DALL_E_2
        ? List.of("standard", "auto")
        : rules.qualities();
  }

  private static void checkLength(String param, String text, ModelRules rules) {
    int length = text.codePointCount(0, text.length());
    if (length > rules.maxPromptLength()) {
      throw ApiException.tooLong(param, rules.maxPromptLength(), length);
    }
  }

  private static long range(Fields f, String name, long min, long max, long absent) {
    Optional<BigInteger> value = f.integer(name);
    if (value.isEmpty()) {
      return absent;
    }
    BigInteger v = value.get();
    if (v.compareTo(BigInteger.valueOf(min)) < 0) {
      throw ApiException.invalid(
          v + " is less than the minimum of " + min + " - '" + name + "'",
          name,
          "integer_below_min_value");
    }
    if (v.compareTo(BigInteger.valueOf(max)) > 0) {
      throw ApiException.invalid(
          v + " is greater than the maximum of " + max + " - '" + name + "'",
          name,
          "integer_above_max_value");
    }
    return v.longValueExact();
  }

  private static String oneOf(Fields f, String name, List<String> allowed, String absent) {
    String v = f.string(name).orElse(absent);
    if (!allowed.contains(v)) {
      throw ApiException.invalidValue(name, v, allowed);
    }
    return v;
  }

  /** The requested size as {width, height}; {0, 0} for auto. */
  private static int[] size(Endpoint endpoint, ModelRules rules, Fields f, boolean jsonEdit) {
    boolean closedJsonEdit = jsonEdit && rules != ModelRules.LOCAL;
    List<String> allowed =
        endpoint == Endpoint.VARIATIONS && rules != ModelRules.LOCAL
                || endpoint == Endpoint.EDITS && rules == ModelRules.DALL_E_2
            ? List.of("256x256", "512x512", "1024x1024")
            : closedJsonEdit ? JSON_EDIT_SIZES : rules.sizes();
    String v = f.string("size").orElse(closedJsonEdit ? "auto" : rules.defaultSize());
    if (!allowed.contains(v) && (!rules.freeSizes() || closedJsonEdit)) {
      throw ApiException.invalidValue("size", v, allowed);
    }
    if (v.equals("auto")) {
      return new int[] {0, 0};
    }
    Matcher m = SIZE.matcher(v);
    if (!m.matches()) {
      throw ApiException.invalid(
          "Invalid value: '" + v + "'. The size must be 'auto' or WIDTHxHEIGHT, e.g. '1024x1024'.",
          "size",
          "invalid_value");
    }
    int w = Integer.parseInt(m.group(1));
    int h = Integer.parseInt(m.group(2));
    if (rules.freeSizes() && !allowed.contains(v)) {
      checkFreeSize(rules, v, w, h);
    }
    return new int[] {w, h};
  }

  private static void checkFreeSize(ModelRules rules, String v, int w, int h) {
    long pixels = (long) w * h;
    String why = null;
    if (rules == ModelRules.LOCAL) {
      if (w % 8 != 0 || h % 8 != 0 || w < 64 || h < 64 || w > 4096 || h > 4096) {
        why = "both sides must be multiples of 8 between 64 and 4096";
      }
    } else if (w % 16 != 0 || h % 16 != 0) {
      why = "both sides must be multiples of 16";
    } else if (Math.max(w, h) > 3840) {
      why = "the longer side must be at most 3840";
    } else if (Math.max(w, h) > 3L * Math.min(w, h)) {
      why = "the long side must be at most 3 times the short side";
    } else if (pixels < 655_360 || pixels > 8_294_400) {
      why = "the total pixel count must be between 655360 and 8294400";
    }
    if (why != null) {
      throw ApiException.invalid(
          "Invalid value: '"
              + v
              + "'. "
              + (rules.id().isEmpty() ? "For a local model " : "For '" + rules.id() + "' ")
              + why
              + ".",
          "size",
          "invalid_value");
    }
  }

  private static ImageJob.Extras extras(Fields f, ModelRules rules) {
    Long seed = f.names().contains("seed") ? range(f, "seed", 0, Long.MAX_VALUE, 0) : null;
    Integer steps = f.names().contains("steps") ? (int) range(f, "steps", 1, MAX_STEPS, 0) : null;
    Double guidance = number(f, "guidance_scale", 0, 30);
    Double strength = number(f, "strength", 0, 1);
    String negative = f.string("negative_prompt").orElse(null);
    if (negative != null) {
      checkLength("negative_prompt", negative, rules);
    }
    String scheduler = f.string("scheduler").orElse(null);
    if (scheduler != null && (scheduler.isBlank() || scheduler.length() > 100)) {
      throw ApiException.invalid(
          "'scheduler' must be a scheduler name such as 'euler_a' or 'dpmpp_2m'.",
          "scheduler",
          "invalid_value");
    }
    return new ImageJob.Extras(seed, steps, guidance, negative, scheduler, strength);
  }

  private static Double number(Fields f, String name, double min, double max) {
    Double v = f.number(name).orElse(null);
    if (v != null && (v < min || v > max)) {
      throw ApiException.invalid(
          "'" + name + "' must be between " + min + " and " + max + ", got " + v + ".",
          name,
          "invalid_value");
    }
    return v;
  }

  private List<RgbaImage> images(Endpoint endpoint, ModelRules rules, Fields f) {
    String param = f.isJson() ? "images" : "image";
    List<Fields.Upload> uploads = f.files("image", "image[]");
    Optional<String> url = f.isJson() ? Optional.empty() : f.string("image_url");
    if (uploads.isEmpty() && url.isPresent()) {
      // openai-python's multipart alternative to an uploaded image
      uploads = List.of(new Fields.Upload("image_url", urls.resolve(url.get(), "image_url")));
    }
    if (uploads.isEmpty()) {
      throw ApiException.missing(param);
    }
    int max = endpoint == Endpoint.VARIATIONS ? 1 : rules.maxEditImages();
    if (uploads.size() > max) {
      throw ApiException.invalid(
          "Too many images: got "
              + uploads.size()
              + ", but '"
              + rules.id()
              + "' takes at most "
              + max
              + ".",
          param,
          "too_many_images");
    }
    List<RgbaImage> images = new ArrayList<>();
    for (Fields.Upload u : uploads) {
      images.add(decode(u, rules, u.field().equals("image[]") ? "image" : u.field()).image());
    }
    return images;
  }

  private RgbaImage mask(ModelRules rules, Fields f, RgbaImage first) {
    List<Fields.Upload> masks = f.files("mask");
    if (masks.isEmpty()) {
      return null;
    }
    if (masks.size() > 1) {
      throw ApiException.invalid("Only one 'mask' may be given.", "mask", "duplicate_parameter");
    }
    Fields.Upload upload = masks.get(0);
    if (upload.data().length > 0 && !isPng(upload.data())) {
      throw maskNeedsAlpha();
    }
    DecodedImage mask = decode(upload, rules, "mask");
    if (!mask.hasAlpha()) {
      throw maskNeedsAlpha();
    }
    try {
      InpaintMask.of(first, mask.image());
    } catch (MaskSizeException e) {
      throw ApiException.of(
          ApiException.Kind.IMAGE_USER_ERROR,
          "Invalid mask image format - mask size does not match image size ("
              + mask.image().width()
              + "x"
              + mask.image().height()
              + " vs "
              + first.width()
              + "x"
              + first.height()
              + ").",
          "mask",
          "invalid_mask_image_format");
    }
    return mask.image();
  }

  private static ApiException maskNeedsAlpha() {
    return ApiException.invalid(
        "The mask must be a PNG image with an alpha channel.", "mask", "invalid_image_format");
  }

  private static boolean isPng(byte[] data) {
    try {
      return ImageFormat.detect(data) == ImageFormat.PNG;
    } catch (ImageFormatException e) {
      return false;
    }
  }

  /**
   * Checks size and format, then decodes; the decoder refuses pictures over the pixel limit from
   * their header, before any pixel is allocated.
   */
  private DecodedImage decode(Fields.Upload upload, ModelRules rules, String param) {
    byte[] data = upload.data();
    if (data.length == 0) {
      throw ApiException.invalid(
          "The uploaded '" + param + "' is empty.", param, "empty_image_file");
    }
    if (rules.requiresSquarePng() && (!isPng(data) || data.length >= DALL_E_2_MAX_BYTES)) {
      throw ApiException.invalid(
          "Uploaded image must be a PNG and less than 4 MB.", param, "invalid_image_format");
    }
    if (data.length >= GPT_MAX_BYTES) {
      throw ApiException.invalid(
          "The uploaded '" + param + "' must be less than 50 MB.", param, "image_file_too_large");
    }
    DecodedImage decoded;
    try {
      decoded = ImageDecoder.decode(data, limits);
    } catch (ImageFormatException e) {
      throw switch (e.reason()) {
        case UNSUPPORTED_FORMAT ->
            ApiException.invalid(
                "The uploaded '" + param + "' is not usable: " + e.getMessage() + ".",
                param,
                "invalid_image_format");
        case TOO_LARGE ->
            ApiException.invalid(
                "The uploaded '" + param + "' is too large: " + e.getMessage() + ".",
                param,
                "image_too_large");
        case CORRUPT ->
            ApiException.invalid(
                "The uploaded '" + param + "' could not be decoded: " + e.getMessage() + ".",
                param,
                "image_parse_error");
      };
    }
    RgbaImage image = decoded.image();
    if (rules.requiresSquarePng() && param.equals("image") && image.width() != image.height()) {
      throw ApiException.invalid(
          "Uploaded image must be square, got " + image.width() + "x" + image.height() + ".",
          param,
          "invalid_image_format");
    }
    return decoded;
  }
}
