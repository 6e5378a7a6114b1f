package dev.easel.engine;

import dev.easel.engine.scheduler.SchedulerConfig;
import dev.easel.engine.scheduler.Schedulers;
import dev.easel.model.Architecture;
import dev.easel.model.ComponentConfig;
import dev.easel.model.ComponentLoader;
import dev.easel.model.ModelException;
import dev.easel.model.ModelFolder;
import dev.easel.model.clip.CLIPTextConfig;
import dev.easel.model.clip.CLIPTextModel;
import dev.easel.model.clip.CLIPTextModelWithProjection;
import dev.easel.model.clip.CLIPTokenizer;
import dev.easel.model.unet.AttentionKernel;
import dev.easel.model.unet.UNet2DConditionConfig;
import dev.easel.model.unet.UNet2DConditionModel;
import dev.easel.model.vae.AutoencoderKL;
import dev.easel.model.vae.AutoencoderKLConfig;
import dev.easel.model.vae.AutoencoderTiny;
import dev.easel.model.vae.AutoencoderTinyConfig;
import dev.easel.model.vae.LatentScaling;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a diffusers model folder as a {@link StableDiffusionPipeline}: each component pre-exported
 * ({@code model.onnx}, Optimum layout) or built from its config and safetensors weights.
 */
public final class StableDiffusionLoader {
  private static final Logger LOG = LoggerFactory.getLogger(StableDiffusionLoader.class);

  private static final int VAE_BATCH = 1;

  private StableDiffusionLoader() {}

  /**
   * Loads the model in {@code dir}.
   *
   * @param maxBatch most images denoised together (the UNet sees twice as many rows with guidance)
   */
  public static StableDiffusionPipeline load(Path dir, OnnxRuntimes runtimes, int maxBatch) {
    return load(dir, runtimes, EngineOptions.batch(maxBatch));
  }

  /**
   * What the model in {@code dir} can generate, read from its configuration files alone, so that a
   * request can be checked before the weights load.
   */
  public static ModelCapabilities capabilities(Path dir, EngineOptions options) {
    ModelFolder folder = ModelFolder.open(dir);
    UNet2DConditionConfig unetConfig = UNet2DConditionConfig.read(folder.require("unet"));
    int downscale = vaeConfig(folder).downscale();
    return capabilities(
        Architecture.detect(folder),
        unetConfig,
        downscale,
        AttentionBudget.of(options.attentionBytes(), unetConfig, downscale));
  }

  /**
   * About how much memory the model in {@code dir} holds once loaded: the weights of the components
   * {@link #load} opens ({@link ComponentLoader#weightBytes}), read without loading them. Winograd
   * filters and ONNX Runtime's own buffers come on top.
   */
  public static long weightBytes(Path dir) {
    ModelFolder folder = ModelFolder.open(dir);
    List<String> components =
        folder.has("vae")
            ? List.of("text_encoder", "text_encoder_2", "unet", "vae", "taesd")
            : List.of(
                "text_encoder", "text_encoder_2", "unet", "vae_encoder", "vae_decoder", "taesd");
    return components.stream()
        .filter(folder::has)
        .mapToLong(c -> ComponentLoader.weightBytes(folder.component(c)))
        .sum();
  }

  // As in diffusers: sides are multiples of the VAE's scale factor; the UNet resizes its skip
  // connections when a latent side does not halve evenly.
  private static ModelCapabilities capabilities(
      Architecture arch, UNet2DConditionConfig unetConfig, int downscale, AttentionBudget budget) {
    return new ModelCapabilities(
        arch.id(),
        unetConfig.sampleSize() * downscale,
        downscale,
        arch.defaultSteps(),
        arch.defaultGuidance(),
        unetConfig.inChannels() == 9,
        budget.maxPixels());
  }

  /** Loads the model in {@code dir}. */
  public static StableDiffusionPipeline load(
      Path dir, OnnxRuntimes runtimes, EngineOptions options) {
    int maxBatch = options.maxBatch();
    long start = System.nanoTime();
    ModelFolder folder = ModelFolder.open(dir);
    Architecture arch = Architecture.detect(folder);
    List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());
    Path unetDir = folder.require("unet");
    UNet2DConditionConfig unetConfig = UNet2DConditionConfig.read(unetDir);
    // The UNet, most of the weights, loads beside the other components: their single-threaded
    // stretches (graph optimisation, building) then overlap its conversion.
    ExecutorService unetLoader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "easel-unet-loader");
              t.setDaemon(true);
              return t;
            });
    Future<OnnxSession> unetLoad =
        unetLoader.submit(
            () ->
                track(
                    resources,
                    ComponentLoader.open(
                        runtimes,
                        unetDir,
                        (c, w) ->
                            UNet2DConditionModel.build(
                                UNet2DConditionConfig.from(c),
                                w,
                                AttentionKernel.MULTI_HEAD_ATTENTION,
                                options.winogradLevels()))));
    unetLoader.shutdown();
    try {
      List<PromptEncoder> encoders = new ArrayList<>();
      OnnxSession te1 =
          track(
              resources,
              ComponentLoader.open(
                  runtimes,
                  folder.require("text_encoder"),
                  (c, w) ->
                      CLIPTextModel.build(
                          CLIPTextConfig.from(c), w, CLIPTextModel.Options.DEFAULT)));
      CLIPTokenizer tok1 = CLIPTokenizer.load(folder.require("tokenizer"));
      if (arch.isXl()) {
        encoders.add(new PromptEncoder(tok1, te1, CLIPTextModel.HIDDEN_STATES_PENULTIMATE, null));
        OnnxSession te2 =
            track(
                resources,
                ComponentLoader.open(
                    runtimes,
                    folder.require("text_encoder_2"),
                    (c, w) ->
                        CLIPTextModelWithProjection.build(
                            CLIPTextConfig.from(c), w, CLIPTextModel.Options.DEFAULT)));
        encoders.add(
            new PromptEncoder(
                CLIPTokenizer.load(folder.require("tokenizer_2")),
                te2,
                CLIPTextModel.HIDDEN_STATES_PENULTIMATE,
                CLIPTextModelWithProjection.TEXT_EMBEDS));
      } else {
        encoders.add(new PromptEncoder(tok1, te1, CLIPTextModel.LAST_HIDDEN_STATE, null));
      }
      OnnxSession preview = null;
      if (folder.has("taesd")) {
        preview =
            track(
                resources,
                ComponentLoader.open(
                    runtimes,
                    folder.component("taesd"),
                    (c, w) ->
                        AutoencoderTiny.decoder(
                            AutoencoderTinyConfig.from(c), w, AutoencoderTiny.Layout.DIFFUSERS)));
      }
      boolean taesdDecodes = options.taesdDecode() && preview != null;
      // The VAE's activations at full resolution are large and its convolutions compute-bound:
      // one image at a time costs no speed and keeps a 512² batch of 4 from needing ~20 GB.
      // When TAESD decodes, the full decoder would never run, so it is not loaded.
      Autoencoder fullVae =
          autoencoder(folder, runtimes, resources, VAE_BATCH, !taesdDecodes, options.vaeWinograd());
      Autoencoder vae =
          taesdDecodes
              ? new Autoencoder(
                  fullVae.encoder(),
                  preview,
                  LatentScaling.IDENTITY,
                  fullVae.downscale(),
                  VAE_BATCH)
              : fullVae;
      OnnxSession unet = await(unetLoad);
      SchedulerConfig scheduler = schedulerConfig(folder);
      String defaultScheduler = null;
      if (!Schedulers.isKnown(scheduler.className())) {
        defaultScheduler = "dpmpp_2m";
        LOG.info(
            "{} ships {}, which Easel does not implement; its default sampler is dpmpp_2m",
            folder.name(),
            scheduler.className());
      }
      AttentionBudget budget =
          AttentionBudget.of(options.attentionBytes(), unetConfig, vae.downscale());
      ModelCapabilities caps = capabilities(arch, unetConfig, vae.downscale(), budget);
      LOG.info(
          "loaded {} ({}) in {} ms",
          folder.name(),
          arch.id(),
          (System.nanoTime() - start) / 1_000_000);
      return new StableDiffusionPipeline(
          folder.name(),
          caps,
          new TextConditioner(encoders, arch.isXl()),
          unet,
          vae,
          preview,
          scheduler,
          defaultScheduler,
          maxBatch,
          budget,
          arch.isXl(),
          resources);
    } catch (RuntimeException e) {
      try {
        await(unetLoad); // never close resources while the UNet is still being loaded
      } catch (RuntimeException unetFailure) {
        if (unetFailure != e) {
          e.addSuppressed(unetFailure);
        }
      }
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * The VAE from diffusers' {@code vae/} or Optimum's pre-exported {@code vae_decoder/} and {@code
   * vae_encoder/} (each may carry the AutoencoderKL config.json).
   */
  private static Autoencoder autoencoder(
      ModelFolder folder,
      OnnxRuntimes runtimes,
      List<AutoCloseable> resources,
      int maxBatch,
      boolean withDecoder,
      boolean winograd) {
    Path vaeDir = folder.component("vae");
    AutoencoderKLConfig cfg = vaeConfig(folder);
    OnnxSession decoder =
        withDecoder
            ? track(
                resources,
                ComponentLoader.open(
                    runtimes,
                    folder.component("vae_decoder"),
                    vaeDir,
                    (c, w) -> AutoencoderKL.decoder(AutoencoderKLConfig.from(c), w, winograd)))
            : null;
    OnnxSession encoder =
        folder.has("vae") || folder.has("vae_encoder")
            ? track(
                resources,
                ComponentLoader.open(
                    runtimes,
                    folder.component("vae_encoder"),
                    vaeDir,
                    (c, w) -> AutoencoderKL.encoder(AutoencoderKLConfig.from(c), w, winograd)))
            : null;
    return new Autoencoder(encoder, decoder, cfg.latentScaling(), cfg.downscale(), maxBatch);
  }

  private static AutoencoderKLConfig vaeConfig(ModelFolder folder) {
    Path configDir = folder.has("vae") ? folder.component("vae") : folder.require("vae_decoder");
    return AutoencoderKLConfig.from(ComponentConfig.read(configDir));
  }

  private static SchedulerConfig schedulerConfig(ModelFolder folder) {
    Path file = folder.require("scheduler").resolve("scheduler_config.json");
    try {
      return SchedulerConfig.read(file);
    } catch (IOException e) {
      throw new ModelException(file + ": cannot read: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ModelException(e.getMessage(), e);
    }
  }

  /** The loaded session, or the loading thread's exception as it was thrown. */
  private static OnnxSession await(Future<OnnxSession> load) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return load.get();
        } catch (InterruptedException e) {
          interrupted = true; // finish waiting: the load cannot be abandoned half-way
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static OnnxSession track(List<AutoCloseable> resources, OnnxSession s) {
    resources.add(s);
    return s;
  }
}
