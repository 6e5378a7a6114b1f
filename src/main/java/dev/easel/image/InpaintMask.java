package dev.easel.image;

/**
 * Which pixels to regenerate, by OpenAI's rule: where the mask's alpha is 0 (fully transparent) the
 * picture is regenerated, where it is 255 the original is kept exactly, and soft alpha blends
 * proportionally. Stored as a keep-weight per pixel, {@code alpha / 255}, rows top to bottom.
 *
 * @param keep {@code width × height} weights in [0, 1]: 1 keeps the original, 0 regenerates
 */
public record InpaintMask(int width, int height, float[] keep) {

  public InpaintMask {
    if ((long) width * height != keep.length) {
      throw new IllegalArgumentException(
          "expected " + (long) width * height + " keep weights, got " + keep.length);
    }
  }

  /**
   * The mask for {@code image}: from {@code mask}'s alpha when given, else from the image's own
   * alpha (a DALL·E 2 edit without a mask regenerates the image's transparent pixels).
   *
   * @throws MaskSizeException when the mask's size differs from the image's
   */
  public static InpaintMask of(RgbaImage image, RgbaImage mask) {
    RgbaImage source = mask == null ? image : mask;
    if (source.width() != image.width() || source.height() != image.height()) {
      throw new MaskSizeException(image.width(), image.height(), source.width(), source.height());
    }
    byte[] rgba = source.rgba();
    float[] keep = new float[image.width() * image.height()];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = (rgba[i * 4 + 3] & 0xff) / 255f;
    }
    return new InpaintMask(image.width(), image.height(), keep);
  }

  /** The image's own transparent pixels. */
  public static InpaintMask fromAlpha(RgbaImage image) {
    return of(image, null);
  }

  /** Whether any pixel is to be (at least partly) regenerated. */
  public boolean regeneratesAnything() {
    for (float k : keep) {
      if (k < 1f) {
        return true;
      }
    }
    return false;
  }

  /**
   * The share of each {@code factor × factor} block to regenerate ({@code 1 − keep}, averaged over
   * the block's area), [height / factor, width / factor] row-major: the weight for blending
   * denoised latents with the re-noised original latents after each step. Area averaging keeps soft
   * and partial edges soft; the final {@link #composite} restores the kept pixels exactly.
   *
   * @param factor the VAE's scale factor, 8 for Stable Diffusion
   */
  public float[] latentRegenerate(int factor) {
    checkDivisible(factor);
    int lw = width / factor;
    int lh = height / factor;
    float[] out = new float[lw * lh];
    float area = factor * factor;
    for (int ly = 0; ly < lh; ly++) {
      for (int lx = 0; lx < lw; lx++) {
        float sum = 0;
        for (int y = ly * factor; y < (ly + 1) * factor; y++) {
          for (int x = lx * factor; x < (lx + 1) * factor; x++) {
            sum += 1f - keep[y * width + x];
          }
        }
        out[ly * lw + lx] = sum / area;
      }
    }
    return out;
  }

  /**
   * diffusers' binarised inpainting mask at full resolution: 1 where to regenerate ({@code 1 − keep
   * ≥ 0.5}, i.e. alpha ≤ 127), else 0.
   */
  public float[] binaryRegenerate() {
    float[] out = new float[keep.length];
    for (int i = 0; i < keep.length; i++) {
      out[i] = 1f - keep[i] >= 0.5f ? 1f : 0f;
    }
    return out;
  }

  /**
   * {@link #binaryRegenerate()} at latent size, [height / factor, width / factor]: the mask channel
   * of the 9-channel inpainting UNet. Downsampled with nearest neighbour (the block's top-left
   * pixel), as diffusers' {@code interpolate(mask, size=latent_size)} does.
   */
  public float[] binaryRegenerateLatent(int factor) {
    checkDivisible(factor);
    int lw = width / factor;
    int lh = height / factor;
    float[] out = new float[lw * lh];
    for (int ly = 0; ly < lh; ly++) {
      for (int lx = 0; lx < lw; lx++) {
        out[ly * lw + lx] = 1f - keep[ly * factor * width + lx * factor] >= 0.5f ? 1f : 0f;
      }
    }
    return out;
  }

  /**
   * diffusers' {@code masked_image = image * (mask < 0.5)}: {@code image} as [1, 3, H, W] in [-1,
   * 1] with the pixels to regenerate set to 0; the VAE encodes it for the 9-channel UNet.
   */
  public float[] maskedImage(RgbaImage image) {
    checkSameSize(image);
    float[] tensor = Tensors.toNchw(image, Tensors.Range.MINUS_ONE_TO_ONE);
    float[] regenerate = binaryRegenerate();
    int plane = keep.length;
    for (int i = 0; i < plane; i++) {
      if (regenerate[i] == 1f) {
        tensor[i] = 0f;
        tensor[plane + i] = 0f;
        tensor[2 * plane + i] = 0f;
      }
    }
    return tensor;
  }

  /**
   * {@code original × keep + generated × (1 − keep)} on all four channels: pixels with keep 1 are
   * byte-for-byte the original, pixels with keep 0 byte-for-byte the generated image.
   */
  public static RgbaImage composite(RgbaImage original, RgbaImage generated, InpaintMask mask) {
    mask.checkSameSize(original);
    mask.checkSameSize(generated);
    float[] keep = mask.keep();
    byte[] a = original.rgba();
    byte[] b = generated.rgba();
    byte[] out = new byte[a.length];
    for (int i = 0; i < keep.length; i++) {
      float k = keep[i];
      for (int c = i * 4; c < i * 4 + 4; c++) {
        out[c] =
            k == 1f
                ? a[c]
                : k == 0f ? b[c] : (byte) Math.round((a[c] & 0xff) * k + (b[c] & 0xff) * (1f - k));
      }
    }
    return new RgbaImage(mask.width(), mask.height(), out);
  }

  private void checkSameSize(RgbaImage image) {
    if (image.width() != width || image.height() != height) {
      throw new MaskSizeException(image.width(), image.height(), width, height);
    }
  }

  private void checkDivisible(int factor) {
    if (factor <= 0 || width % factor != 0 || height % factor != 0) {
      throw new IllegalArgumentException(
          "mask size " + width + "x" + height + " is not a multiple of " + factor);
    }
  }
}
