package dev.easel.config;

import static dev.easel.config.Setting.Type.BOOLEAN;
import static dev.easel.config.Setting.Type.LIST;
import static dev.easel.config.Setting.Type.PATH;
import static dev.easel.config.Setting.Type.STRING;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every configuration key Easel knows, in one place; the README's table is generated from it. */
public final class Settings {
  public static final Setting LOG_LEVEL =
      Setting.oneOf(
          "log.level",
          "info",
          List.of("error", "warn", "info", "debug", "trace"),
          "Log verbosity.");
  public static final Setting SERVER_HOST =
      Setting.of("server.host", STRING, "127.0.0.1", "Address the HTTP server binds to.");
  public static final Setting SERVER_PORT =
      Setting.between("server.port", 8080, 0, 65535, "Port of the HTTP server.");
  public static final Setting RUNTIME_DEVICE =
      Setting.oneOf(
          "runtime.device", "cpu", List.of("cpu", "cuda"), "ONNX Runtime execution provider.");
  public static final Setting RUNTIME_THREADS =
      Setting.atLeast(
          "runtime.threads", 0, 0, "Intra-op threads per ONNX Runtime session; 0 uses every core.");
  public static final Setting RUNTIME_NICE =
      Setting.between(
          "runtime.nice",
          10,
          0,
          19,
          "Linux niceness (0-19) of the threads that run models (ONNX Runtime's, the server's"
              + " generation worker, generate/edit/vary/bench), so that HTTP requests and the rest"
              + " of the machine get the CPU first while an image is generated; 0 keeps normal"
              + " priority.");
  public static final Setting MODELS_DIR =
      Setting.of(
          "models.dir", PATH, "", "Folder holding local models; empty uses ~/.cache/easel/models.");
  public static final Setting HUB_ENDPOINT =
      Setting.of(
          "hub.endpoint",
          STRING,
          "",
          "Hugging Face Hub (or mirror) URL for 'easel pull'; empty uses HF_ENDPOINT, else"
              + " https://huggingface.co.");
  public static final Setting HUB_CACHE_DIR =
      Setting.of(
          "hub.cache-dir",
          PATH,
          "",
          "Hugging Face cache shared with Python tools; empty uses HF_HUB_CACHE, else"
              + " HF_HOME/hub, else ~/.cache/huggingface/hub.");
  public static final Setting HUB_OFFLINE =
      Setting.of(
          "hub.offline",
          BOOLEAN,
          "false",
          "Use only models already in the cache (also on with HF_HUB_OFFLINE=1).");
  public static final Setting HUB_DEFAULT_MODEL =
      Setting.of(
          "hub.default-model",
          STRING,
          "stabilityai/sd-turbo",
          "Model 'easel serve' pulls and serves when no model is configured; empty turns this"
              + " off.");
  public static final Setting CLI_PROGRESS =
      Setting.of("cli.progress", BOOLEAN, "true", "Draw progress bars on an interactive terminal.");

  public static final Setting SERVER_MODELS =
      Setting.of(
          "server.models",
          LIST,
          "",
          "Models 'easel serve' loads (names or folders); --model replaces the list.");
  public static final Setting SERVER_MODEL_MEMORY_MB =
      Setting.atLeast(
          "server.model-memory-mb",
          0,
          0,
          "Memory for the weights of the models 'easel serve' holds: the first model loads at"
              + " start, the others on first use, and the least recently used are unloaded to stay"
              + " within it. 0 = every model loads at start and stays.");
  public static final Setting SERVER_API_KEY_HASHES =
      Setting.of(
          "server.api-key-hashes",
          LIST,
          "",
          "SHA-256 hashes (hex) of the accepted API keys; empty turns authentication off and"
              + " binds to loopback only.");
  public static final Setting SERVER_RATE_LIMIT =
      Setting.atLeast(
          "server.rate-limit-images-per-minute",
          0,
          0,
          "Images per minute each API key may request; 0 = unlimited.");
  public static final Setting SERVER_QUEUE_SIZE =
      Setting.atLeast(
          "server.queue-size", 16, 1, "Generations that may wait for the worker before 429.");
  public static final Setting SERVER_MAX_BODY_MB =
      Setting.between("server.max-body-mb", 100, 1, 2047, "Largest request body, in MiB.");
  public static final Setting SERVER_MAX_INPUT_PIXELS =
      Setting.atLeast(
          "server.max-input-pixels",
          16777216,
          1,
          "Largest width x height of an uploaded image (checked before decoding).");
  public static final Setting SERVER_MAX_GENERATION_PIXELS =
      Setting.atLeast(
          "server.max-generation-pixels",
          0,
          0,
          "Largest width x height a model generates at; larger requested sizes are generated at"
              + " the same aspect ratio within it and upscaled (Lanczos). 0 = 4x the model's native"
              + " area (e.g. 1024x1024 for a 512 px model).");
  public static final Setting SERVER_FETCH_IMAGE_URLS =
      Setting.of(
          "server.fetch-image-urls",
          BOOLEAN,
          "true",
          "Download the http(s) image_url of JSON edits (data URLs are always taken). Turn off"
              + " when untrusted callers could make the server fetch from your network.");
  public static final Setting MATTING_MODEL =
      Setting.of(
          "matting.model",
          STRING,
          "",
          "ONNX background-removal model (U²-Net, ISNet, RMBG, BiRefNet, MODNet export) that makes"
              + " background='transparent' possible; empty refuses it.");
  public static final Setting MATTING_SIZE =
      Setting.between(
          "matting.size", 1024, 32, 4096, "Square side the matting model takes (U²-Net: 320).");
  public static final Setting MATTING_NORMALIZATION =
      Setting.oneOf(
          "matting.normalization",
          "imagenet",
          List.of("imagenet", "imagenet-mean", "centered", "symmetric"),
          "Input normalisation: imagenet (U²-Net, BiRefNet), imagenet-mean = ImageNet's mean,"
              + " deviation 1 (ISNet), centered = x - 0.5 (RMBG), symmetric = (x - 0.5) / 0.5"
              + " (MODNet).");
  public static final Setting MATTING_OUTPUT =
      Setting.oneOf(
          "matting.output",
          "min-max",
          List.of("min-max", "sigmoid", "as-is"),
          "How the output becomes a matte: min-max stretched (U²-Net, ISNet, RMBG), sigmoid of"
              + " logits then stretched (BiRefNet), or as-is in [0, 1] (MODNet).");
  public static final Setting SERVER_PUBLIC_URL =
      Setting.of(
          "server.public-url",
          STRING,
          "",
          "Base of the image URLs returned (e.g. https://easel.example.com); empty uses the"
              + " request's Host header.");
  public static final Setting SERVER_SHUTDOWN_TIMEOUT =
      Setting.atLeast(
          "server.shutdown-timeout-seconds",
          300,
          0,
          "How long a stopping server waits for requests in flight.");
  public static final Setting STORE_DIR =
      Setting.of(
          "store.dir",
          PATH,
          "",
          "Folder for generated images behind URLs; empty uses a temporary folder.");
  public static final Setting STORE_URL_TTL_MINUTES =
      Setting.atLeast(
          "store.url-ttl-minutes",
          60,
          1,
          "Minutes an image URL stays valid; the file is deleted afterwards.");
  public static final Setting STORE_URL_SECRET =
      Setting.of(
          "store.url-secret",
          STRING,
          "",
          "Key for signing image URLs (16+ characters); empty uses a random key per start.");
  public static final Setting ALIAS_DALL_E_2 = alias("dall-e-2");
  public static final Setting ALIAS_DALL_E_3 = alias("dall-e-3");
  public static final Setting ALIAS_GPT_IMAGE_1 = alias("gpt-image-1");
  public static final Setting ALIAS_GPT_IMAGE_1_MINI = alias("gpt-image-1-mini");
  public static final Setting ALIAS_GPT_IMAGE_1_5 = alias("gpt-image-1.5");
  public static final Setting ALIAS_GPT_IMAGE_2 = alias("gpt-image-2");
  public static final Setting ALIAS_CHATGPT_IMAGE_LATEST = alias("chatgpt-image-latest");

  private static Setting alias(String model) {
    return Setting.of(
        "aliases." + model,
        STRING,
        "",
        "Local model that answers requests for '" + model + "'; empty = the first loaded model.");
  }

  public static final Setting ENGINE_MAX_BATCH =
      Setting.atLeast(
          "engine.max_batch",
          4,
          1,
          "Most images denoised together; larger n is split into batches of this size.");

  public static final Setting ENGINE_DECODER =
      Setting.oneOf(
          "engine.decoder",
          "vae",
          List.of("vae", "taesd"),
          "Decoder of final images: the full VAE, or the model's taesd/ (faster, slightly softer).");
  public static final Setting ENGINE_ATTENTION_MEMORY =
      Setting.atLeast(
          "engine.attention-memory-mb",
          6144,
          1,
          "Memory one UNet call's attention may use; bounds the largest image a model generates at"
              + " (larger requests are upscaled by the server, refused by the CLI).");
  public static final Setting ENGINE_WINOGRAD_LEVELS =
      Setting.atLeast(
          "engine.winograd-levels",
          2,
          0,
          "UNet resolution levels whose 3×3 convolutions use Winograd: more is faster and takes more"
              + " memory (SD-Turbo at 512²: 0 = 4.3 s and 3.5 GB of weights, 2 = 3.4-3.6 s and"
              + " 3.9 GB, 3 = 3.4 s and 4.5 GB); 0 computes every convolution directly.");
  public static final Setting ENGINE_VAE_WINOGRAD =
      Setting.of(
          "engine.vae-winograd",
          BOOLEAN,
          "true",
          "Compute the VAE's 3×3 convolutions with Winograd F(4×4, 3×3): decoding 512² takes 8 s"
              + " instead of 12 s and 1024² 35 s instead of 52 s, but 1024² peaks at 8.3 GB instead"
              + " of 4.4 GB; false computes them directly.");
  public static final Setting STUDIO_DIR =
      Setting.of(
          "studio.dir",
          PATH,
          "",
          "Folder of Easel Studio's history (images and index.jsonl); empty uses"
              + " ~/.local/share/easel/studio.");

  private static final Map<String, Setting> ALL = new LinkedHashMap<>();

  static {
    for (Setting s :
        List.of(
            LOG_LEVEL,
            SERVER_HOST,
            SERVER_PORT,
            RUNTIME_DEVICE,
            RUNTIME_THREADS,
            RUNTIME_NICE,
            MODELS_DIR,
            HUB_ENDPOINT,
            HUB_CACHE_DIR,
            HUB_OFFLINE,
            HUB_DEFAULT_MODEL,
            CLI_PROGRESS,
            SERVER_MODELS,
            SERVER_MODEL_MEMORY_MB,
            SERVER_API_KEY_HASHES,
            SERVER_RATE_LIMIT,
            SERVER_QUEUE_SIZE,
            SERVER_MAX_BODY_MB,
            SERVER_MAX_INPUT_PIXELS,
            SERVER_MAX_GENERATION_PIXELS,
            SERVER_FETCH_IMAGE_URLS,
            SERVER_PUBLIC_URL,
            SERVER_SHUTDOWN_TIMEOUT,
            MATTING_MODEL,
            MATTING_SIZE,
            MATTING_NORMALIZATION,
            MATTING_OUTPUT,
            STORE_DIR,
            STORE_URL_TTL_MINUTES,
            STORE_URL_SECRET,
            ALIAS_DALL_E_2,
            ALIAS_DALL_E_3,
            ALIAS_GPT_IMAGE_1,
            ALIAS_GPT_IMAGE_1_MINI,
            ALIAS_GPT_IMAGE_1_5,
            ALIAS_GPT_IMAGE_2,
            ALIAS_CHATGPT_IMAGE_LATEST,
            ENGINE_MAX_BATCH,
            ENGINE_DECODER,
            ENGINE_ATTENTION_MEMORY,
            ENGINE_WINOGRAD_LEVELS,
            ENGINE_VAE_WINOGRAD,
            STUDIO_DIR)) {
      ALL.put(s.key(), s);
    }
  }

  private Settings() {}

  public static List<Setting> all() {
    return List.copyOf(ALL.values());
  }

  public static Optional<Setting> find(String key) {
    return Optional.ofNullable(ALL.get(key));
  }
}
