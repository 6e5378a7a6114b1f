package dev.easel.engine;

import dev.easel.image.Resize;
import dev.easel.image.RgbaImage;
import dev.easel.image.Tensors;
import dev.easel.runtime.FloatTensor;
import dev.easel.runtime.OnnxRuntimes;
import dev.easel.runtime.OnnxSession;
import java.nio.file.Path;
import java.util.Map;

/**
 * Background removal with an ONNX matting model, as rembg runs them (U²-Net, ISNet, BRIA RMBG,
 * BiRefNet; also MODNet exports): the picture, resized to a square (Lanczos) and normalised from x
 * / 255 (rembg divides by the picture's brightest value instead, the same for any picture with a
 * white pixel), goes in as its one input [1, 3, S, S]; the first output [1, 1, S, S] (or [1, S, S])
 * is the foreground matte, which becomes the picture's alpha channel at its own size.
 */
public final class BackgroundMatting implements AutoCloseable {
  /** How the model's input is normalised from RGB in [0, 1]: (x − mean) / std per channel. */
  public enum Normalization {
    /** ImageNet's mean and deviation: U²-Net, BiRefNet. */
    IMAGENET(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}),
    /** ImageNet's mean, deviation 1: ISNet (rembg's {@code isnet-general-use}). */
    IMAGENET_MEAN(new float[] {0.485f, 0.456f, 0.406f}, new float[] {1, 1, 1}),
    /** x − 0.5: BRIA RMBG-1.4. */
    CENTERED(new float[] {0.5f, 0.5f, 0.5f}, new float[] {1, 1, 1}),
    /** (x − 0.5) / 0.5, in [-1, 1]: MODNet. */
    SYMMETRIC(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});

    private final float[] mean;
    private final float[] std;

    Normalization(float[] mean, float[] std) {
      this.mean = mean;
      this.std = std;
    }
  }

  /** How the model's output becomes a matte in [0, 1]. */
  public enum Output {
    /** Stretched to [0, 1] by its minimum and maximum, as rembg does for U²-Net, ISNet, RMBG. */
    MIN_MAX,
    /** Logits through the sigmoid, then stretched as {@link #MIN_MAX} (rembg's BiRefNet). */
    SIGMOID,
    /** Already in [0, 1] (MODNet); clamped. */
    AS_IS
  }

  /**
   * @param model the {@code .onnx} file
   * @param size the square side the model takes
   */
  public record Options(Path model, int size, Normalization normalization, Output output) {}

  private final OnnxSession session;
  private final String input;
  private final Options options;

  private BackgroundMatting(OnnxSession session, Options options) {
    this.session = session;
    this.input = session.inputNames().iterator().next();
    this.options = options;
  }

  /**
   * Loads the model and runs it once on a blank picture, so that a model that does not take {@code
   * size} or gives no matte fails here rather than on a request.
   *
   * @throws IllegalArgumentException naming what does not fit
   */
  public static BackgroundMatting load(OnnxRuntimes runtimes, Options options) {
    OnnxSession session = runtimes.open(options.model());
    BackgroundMatting matting;
    try {
      if (session.inputNames().size() != 1) {
        throw new IllegalArgumentException(
            options.model() + " takes " + session.inputNames().size() + " inputs, not one image");
      }
      matting = new BackgroundMatting(session, options);
      matting.matte(RgbaImage.blank(options.size(), options.size()));
    } catch (RuntimeException e) {
      session.close();
      throw e instanceof IllegalArgumentException
          ? e
          : new IllegalArgumentException(
              options.model() + " does not run as a matting model: " + e.getMessage(), e);
    }
    return matting;
  }

  /**
   * The picture with its background made transparent: its alpha is the matte (times any alpha it
   * already had); colours are unchanged.
   */
  public synchronized RgbaImage apply(RgbaImage image) {
    float[] matte = matte(image);
    byte[] rgba = image.rgba().clone();
    for (int i = 0; i < matte.length; i++) {
      int alpha = Math.round(matte[i] * (rgba[i * 4 + 3] & 0xff));
      rgba[i * 4 + 3] = (byte) alpha;
    }
    return new RgbaImage(image.width(), image.height(), rgba);
  }

  /** The matte at the picture's size, one value in [0, 1] per pixel. */
  private float[] matte(RgbaImage image) {
    int s = options.size();
    RgbaImage square = Resize.resize(opaque(image), s, s, Resize.Filter.LANCZOS);
    float[] x = Tensors.toNchw(square, Tensors.Range.ZERO_TO_ONE);
    int plane = s * s;
    for (int c = 0; c < 3; c++) {
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        x[i] = (x[i] - options.normalization().mean[c]) / options.normalization().std[c];
      }
    }
    FloatTensor out = session.runSingle(Map.of(input, new FloatTensor(new long[] {1, 3, s, s}, x)));
    long[] shape = out.shape();
    int h = (int) shape[shape.length - 2];
    int w = (int) shape[shape.length - 1];
    if (out.data().length != w * h) {
      throw new IllegalArgumentException(
          options.model()
              + " gives an output of shape "
              + java.util.Arrays.toString(shape)
              + ", not one matte");
    }
    float[] values = toUnitRange(out.data());
    byte[] grey = new byte[w * h * 4];
    for (int i = 0; i < values.length; i++) {
      byte v = (byte) Math.round(values[i] * 255);
      grey[i * 4] = v;
      grey[i * 4 + 3] = (byte) 255;
    }
    RgbaImage sized =
        Resize.resize(
            new RgbaImage(w, h, grey), image.width(), image.height(), Resize.Filter.LANCZOS);
    float[] matte = new float[image.width() * image.height()];
    for (int i = 0; i < matte.length; i++) {
      matte[i] = (sized.rgba()[i * 4] & 0xff) / 255f;
    }
    return matte;
  }

  private float[] toUnitRange(float[] raw) {
    float[] v = raw.clone();
    if (options.output() == Output.SIGMOID) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (1 / (1 + Math.exp(-v[i])));
      }
    }
    switch (options.output()) {
      case MIN_MAX, SIGMOID -> {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : v) {
          min = Math.min(min, f);
          max = Math.max(max, f);
        }
        float range = max - min;
        for (int i = 0; i < v.length; i++) {
          v[i] = range > 0 ? (v[i] - min) / range : 1;
        }
      }
      case AS_IS -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = Math.clamp(v[i], 0f, 1f);
        }
      }
    }
    return v;
  }

  /** The picture's colours with full alpha: the model sees what is painted, not what shows. */
  private static RgbaImage opaque(RgbaImage image) {
    byte[] rgba = image.rgba().clone();
    for (int i = 3; i < rgba.length; i += 4) {
      rgba[i] = (byte) 255;
    }
    return new RgbaImage(image.width(), image.height(), rgba);
  }

  @Override
  public void close() {
    session.close();
  }
}
