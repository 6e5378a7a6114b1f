package dev.easel.engine;

import dev.easel.engine.noise.BatchNoise;
import dev.easel.engine.scheduler.Scheduler;
import dev.easel.engine.scheduler.SchedulerConfig;
import dev.easel.engine.scheduler.Schedulers;
import dev.easel.image.RgbaImage;
import dev.easel.runtime.OnnxSession;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Stable Diffusion (1.x, 2.x, Turbo, XL) on ONNX Runtime: text to image, image to image, inpainting
 * / outpainting (a 9-channel inpainting UNet, or latent blending with any other) and variations. It
 * composes the parts; the denoising loop itself is {@link DenoisingLoop}.
 */
public final class StableDiffusionPipeline implements ImageGenerator {
  private static final SecureRandom SEEDS = new SecureRandom();

  private final String name;
  private final ModelCapabilities capabilities;
  private final TextConditioner text;
  private final OnnxSession unet;
  private final Autoencoder vae;
  private final OnnxSession previewDecoder;
  private final SchedulerConfig schedulerConfig;
  private final String defaultScheduler;
  private final int maxBatch;
  private final AttentionBudget attention;
  private final boolean xl;
  private final List<AutoCloseable> resources;

  StableDiffusionPipeline(
      String name,
      ModelCapabilities capabilities,
      TextConditioner text,
      OnnxSession unet,
      Autoencoder vae,
      OnnxSession previewDecoder,
      SchedulerConfig schedulerConfig,
      String defaultScheduler,
      int maxBatch,
      AttentionBudget attention,
      boolean xl,
      List<AutoCloseable> resources) {
    this.name = name;
    this.capabilities = capabilities;
    this.text = text;
    this.unet = unet;
    this.vae = vae;
    this.previewDecoder = previewDecoder;
    this.schedulerConfig = schedulerConfig;
    this.defaultScheduler = defaultScheduler;
    this.maxBatch = maxBatch;
    this.attention = attention;
    this.xl = xl;
    this.resources = List.copyOf(resources);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ModelCapabilities capabilities() {
    return capabilities;
  }

  TextConditioner textConditioner() {
    return text;
  }

  @Override
  public synchronized GenerationResult generate(
      GenerationRequest request, ProgressListener progress, Cancellation cancel) {
    Plan plan = Plan.of(request, capabilities);
    Scheduler scheduler =
        Schedulers.create(
            request.scheduler() != null ? request.scheduler() : defaultScheduler, schedulerConfig);
    long base = request.seed() != null ? request.seed() : SEEDS.nextLong(1L << 32);
    Conditioning[] cond = text.encode(plan.prompt(), request.negativePrompt(), plan.guidance() > 1);
    List<GeneratedImage> images = new ArrayList<>();
    int batches = (request.n() + maxBatch - 1) / maxBatch;
    long start = System.nanoTime();
    for (int from = 0; from < request.n(); from += maxBatch) {
      int count = Math.min(maxBatch, request.n() - from);
      long[] seeds = new long[count];
      for (int k = 0; k < count; k++) {
        seeds[k] = base + from + k;
      }
      ProgressListener batchProgress = new BatchProgress(progress, from / maxBatch, batches, start);
      List<RgbaImage> out = run(plan, request, scheduler, seeds, cond, batchProgress, cancel, from);
      for (int k = 0; k < count; k++) {
        images.add(new GeneratedImage(out.get(k), seeds[k]));
      }
    }
    return new GenerationResult(
        images, cond[0].tokens(), cond[0].chunked(), scheduler.infotextName());
  }

  private List<RgbaImage> run(
      Plan plan,
      GenerationRequest request,
      Scheduler scheduler,
      long[] seeds,
      Conditioning[] cond,
      ProgressListener progress,
      Cancellation cancel,
      int firstIndex) {
    DenoisingLoop loop =
        new DenoisingLoop(
            unet,
            2 * maxBatch,
            attention,
            xl,
            vae,
            previewDecoder,
            scheduler,
            capabilities.inpaintingUnet(),
            progress,
            cancel,
            request.previews());
    BatchNoise noise = new BatchNoise(seeds);
    return loop.run(plan, cond, noise, seeds.length, firstIndex);
  }

  /** Counts the steps of all batches of a request as one run. */
  private record BatchProgress(ProgressListener listener, int batch, int batches, long start)
      implements ProgressListener {
    @Override
    public void onStep(int step, int total, long elapsedNanos) {
      listener.onStep(batch * total + step, batches * total, System.nanoTime() - start);
    }

    @Override
    public void onPreview(int index, int previewNumber, RgbaImage preview) {
      listener.onPreview(index, previewNumber, preview);
    }
  }

  @Override
  public void close() {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        // closing native sessions only fails when they are already gone
      }
    }
  }
}
