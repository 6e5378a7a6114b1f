package dev.easel.engine;

import dev.easel.engine.noise.NoiseSource;
import dev.easel.engine.scheduler.Scheduler;
import dev.easel.image.InpaintMask;
import dev.easel.image.Resize;
import dev.easel.image.RgbaImage;
import dev.easel.image.Tensors;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One batch through the scheduler's loop: initial latents (noise, or the noised input image),
 * guided UNet steps, masks (the inpainting UNet's extra channels, or latent blending), previews,
 * cancellation, decoding, and the final composite that keeps unmasked pixels exact. Progress counts
 * the steps of all passes together (the high-res path runs two).
 */
final class DenoisingLoop {
  private final OnnxSession unet;
  private final int maxUnetRows;
  private final AttentionBudget attention;
  private final boolean xl;
  private final Autoencoder vae;
  private final OnnxSession previewDecoder;
  private final Scheduler scheduler;
  private final boolean inpaintingUnet;
  private final ProgressListener progress;
  private final Cancellation cancel;
  private final int previews;
  private int stepsDone;
  private int stepsTotal;
  private long start;
  private int previewsSent;

  DenoisingLoop(
      OnnxSession unet,
      int maxUnetRows,
      AttentionBudget attention,
      boolean xl,
      Autoencoder vae,
      OnnxSession previewDecoder,
      Scheduler scheduler,
      boolean inpaintingUnet,
      ProgressListener progress,
      Cancellation cancel,
      int previews) {
    this.unet = unet;
    this.maxUnetRows = maxUnetRows;
    this.attention = attention;
    this.xl = xl;
    this.vae = vae;
    this.previewDecoder = previewDecoder;
    this.scheduler = scheduler;
    this.inpaintingUnet = inpaintingUnet;
    this.progress = progress;
    this.cancel = cancel;
    this.previews = previews;
  }

  List<RgbaImage> run(
      Plan plan, Conditioning[] cond, NoiseSource noise, int batch, int firstIndex) {
    start = System.nanoTime();
    stepsDone = 0;
    previewsSent = 0;
    List<RgbaImage> images;
    if (plan.highres()) {
      int refineSteps = Math.max(plan.steps(), (int) Math.ceil(1 / Plan.REFINE_STRENGTH));
      stepsTotal = stepCount(plan.steps(), 1) + stepCount(refineSteps, Plan.REFINE_STRENGTH);
      FloatTensor base =
          denoise(
              plan,
              cond,
              noise,
              batch,
              firstIndex,
              plan.baseWidth(),
              plan.baseHeight(),
              null,
              null,
              1,
              plan.steps());
      List<RgbaImage> upscaled = new ArrayList<>();
      for (RgbaImage img : toImages(base, batch)) {
        upscaled.add(Resize.resize(img, plan.width(), plan.height(), Resize.Filter.LANCZOS));
      }
      FloatTensor refined =
          denoise(
              plan,
              cond,
              noise,
              batch,
              firstIndex,
              plan.width(),
              plan.height(),
              toTensor(upscaled),
              null,
              Plan.REFINE_STRENGTH,
              refineSteps);
      images = toImages(refined, batch);
    } else {
      FloatTensor init =
          plan.image() == null ? null : toTensor(Collections.nCopies(batch, plan.image()));
      stepsTotal = stepCount(plan.steps(), init == null ? 1 : plan.strength());
      FloatTensor out =
          denoise(
              plan,
              cond,
              noise,
              batch,
              firstIndex,
              plan.width(),
              plan.height(),
              init,
              plan.mask(),
              plan.strength(),
              plan.steps());
      images = toImages(out, batch);
    }
    if (plan.mask() != null) {
      InpaintMask mask = InpaintMask.of(plan.image(), plan.mask());
      images.replaceAll(img -> InpaintMask.composite(plan.image(), img, mask));
    }
    return images;
  }

  /** How many steps a pass of {@code steps} at {@code strength} runs. */
  private int stepCount(int steps, double strength) {
    scheduler.setTimesteps(steps);
    int length = scheduler.timesteps().length;
    return strength < 1 ? length - scheduler.beginIndex(strength) : length;
  }

  /** The first {@code count} images of a [N, 3, H, W] tensor in [-1, 1]. */
  private static List<RgbaImage> toImages(FloatTensor t, int count) {
    return new ArrayList<>(
        Tensors.fromNchw(
            Arrays.copyOf(t.data(), count * t.itemSize()),
            count,
            (int) t.dim(2),
            (int) t.dim(3),
            Tensors.Range.MINUS_ONE_TO_ONE));
  }

  private static FloatTensor toTensor(List<RgbaImage> images) {
    RgbaImage first = images.get(0);
    return new FloatTensor(
        new long[] {images.size(), 3, first.height(), first.width()},
        Tensors.toNchw(images, Tensors.Range.MINUS_ONE_TO_ONE));
  }

  /**
   * One pass. Random numbers are drawn per image in diffusers' order: the input image's latent
   * sample (when the pass needs it), the starting noise, then the masked image's latent sample.
   *
   * @return decoded images [B, 3, H, W] in [-1, 1]
   */
  private FloatTensor denoise(
      Plan plan,
      Conditioning[] cond,
      NoiseSource noise,
      int batch,
      int firstIndex,
      int width,
      int height,
      FloatTensor init,
      RgbaImage mask,
      double strength,
      int steps) {
    scheduler.setTimesteps(steps);
    double[] timesteps = scheduler.timesteps();
    int f = vae.downscale();
    int lh = height / f;
    int lw = width / f;
    long[] latentShape = {batch, 4, lh, lw};
    boolean fromNoise = init == null || (mask != null && strength >= 1);
    boolean blend = mask != null && !inpaintingUnet;
    FloatTensor imageLatents = !fromNoise || blend ? vae.encode(init, noise) : null;
    int begin = fromNoise ? 0 : scheduler.beginIndex(strength);
    float[] initialNoise = new float[batch * 4 * lh * lw];
    noise.fill(initialNoise);
    float[] latents;
    if (fromNoise) {
      latents = initialNoise.clone();
      float sigma = scheduler.initNoiseSigma();
      for (int i = 0; i < latents.length; i++) {
        latents[i] *= sigma;
      }
    } else {
      latents = scheduler.addNoise(imageLatents.data(), initialNoise, begin);
    }
    float[] maskLatent = null;
    FloatTensor maskedImageLatents = null;
    if (inpaintingUnet) {
      // Without a mask the inpainting UNet is asked to regenerate everything from a blank image.
      InpaintMask m =
          mask != null
              ? InpaintMask.of(plan.image(), mask)
              : new InpaintMask(width, height, new float[width * height]);
      maskLatent = m.binaryRegenerateLatent(f);
      float[] masked = mask != null ? m.maskedImage(plan.image()) : new float[3 * width * height];
      float[] repeated = new float[masked.length * batch];
      for (int k = 0; k < batch; k++) {
        System.arraycopy(masked, 0, repeated, k * masked.length, masked.length);
      }
      maskedImageLatents =
          vae.encode(new FloatTensor(new long[] {batch, 3, height, width}, repeated), noise);
    } else if (blend) {
      maskLatent = InpaintMask.of(plan.image(), mask).latentRegenerate(f);
    }
    Denoiser denoiser =
        new Denoiser(
            unet,
            attention.rowsPerCall((long) width * height, maxUnetRows),
            xl ? timeIds(width, height) : null);
    int previewCount = Math.min(previews, stepsTotal - 1);
    for (int i = begin; i < timesteps.length; i++) {
      cancel.check();
      FloatTensor input = new FloatTensor(latentShape, scheduler.scaleModelInput(latents, i));
      if (inpaintingUnet) {
        input = withInpaintChannels(input, maskLatent, maskedImageLatents);
      }
      float[] pred = denoiser.predict(input, timesteps[i], cond[0], cond[1], plan.guidance());
      Scheduler.StepOutput out = scheduler.step(pred, i, latents, noise);
      latents = out.prevSample();
      if (blend) {
        float[] proper =
            i < timesteps.length - 1
                ? scheduler.addNoise(imageLatents.data(), initialNoise, i + 1)
                : imageLatents.data();
        blend(latents, proper, maskLatent);
      }
      stepsDone++;
      progress.onStep(stepsDone, stepsTotal, System.nanoTime() - start);
      if (stepsDone < stepsTotal
          && stepsDone * (previewCount + 1) / stepsTotal
              > (stepsDone - 1) * (previewCount + 1) / stepsTotal) {
        sendPreviews(new FloatTensor(latentShape, out.predictedOriginal()), firstIndex);
      }
    }
    return vae.decode(new FloatTensor(latentShape, latents));
  }

  /** SDXL micro-conditioning: original size, crop top-left, target size, each (height, width). */
  private static float[] timeIds(int width, int height) {
    return new float[] {height, width, 0, 0, height, width};
  }

  private void sendPreviews(FloatTensor predictedLatents, int firstIndex) {
    FloatTensor images =
        previewDecoder != null
            ? previewDecoder.runSingle(
                Map.of(previewDecoder.inputNames().iterator().next(), predictedLatents))
            : vae.decode(predictedLatents);
    previewsSent++;
    List<RgbaImage> decoded = toImages(images, (int) images.dim(0));
    for (int k = 0; k < decoded.size(); k++) {
      progress.onPreview(firstIndex + k, previewsSent, decoded.get(k));
    }
  }

  /** [B, 4, h, w] + mask [1, h, w] + masked-image latents [B, 4, h, w] → [B, 9, h, w]. */
  private static FloatTensor withInpaintChannels(
      FloatTensor latents, float[] mask, FloatTensor maskedLatents) {
    int b = (int) latents.dim(0);
    int hw = (int) (latents.dim(2) * latents.dim(3));
    float[] out = new float[b * 9 * hw];
    for (int n = 0; n < b; n++) {
      int o = n * 9 * hw;
      System.arraycopy(latents.data(), n * 4 * hw, out, o, 4 * hw);
      System.arraycopy(mask, 0, out, o + 4 * hw, hw);
      System.arraycopy(maskedLatents.data(), n * 4 * hw, out, o + 5 * hw, 4 * hw);
    }
    return new FloatTensor(new long[] {b, 9, latents.dim(2), latents.dim(3)}, out);
  }

  /** latents = (1 − m) · proper + m · latents, m per latent pixel (1 = regenerate). */
  private static void blend(float[] latents, float[] proper, float[] mask) {
    int hw = mask.length;
    for (int i = 0; i < latents.length; i++) {
      float m = mask[i % hw];
      latents[i] = (1 - m) * proper[i] + m * latents[i];
    }
  }
}
