package dev.easel.model.vae;

import dev.easel.model.ComponentConfig;
import java.util.Arrays;
import java.util.Set;

/**
 * diffusers' {@code AutoencoderTiny} (TAESD) configuration.
 *
 * @param pooledBlocks whether blocks carry the {@code pool} branch of the FLUX.2 variant
 */
public record AutoencoderTinyConfig(
    int inChannels,
    int outChannels,
    int latentChannels,
    int[] encoderBlockOutChannels,
    int[] decoderBlockOutChannels,
    int[] numEncoderBlocks,
    int[] numDecoderBlocks,
    int upsamplingScalingFactor,
    double scalingFactor,
    double shiftFactor,
    boolean pooledBlocks) {

  /** The SD 1.x/2.x TAESD shape. */
  public static AutoencoderTinyConfig sd(int latentChannels) {
    return new AutoencoderTinyConfig(
        3,
        3,
        latentChannels,
        new int[] {64, 64, 64, 64},
        new int[] {64, 64, 64, 64},
        new int[] {1, 3, 3, 3},
        new int[] {3, 3, 3, 1},
        2,
        1.0,
        0.0,
        false);
  }

  public static AutoencoderTinyConfig from(ComponentConfig c) {
    c.getChoice("act_fn", "relu", Set.of("relu"));
    c.getChoice("upsample_fn", "nearest", Set.of("nearest"));
    int[] enc = c.getInts("encoder_block_out_channels", new int[] {64, 64, 64, 64}, 4);
    int[] dec = c.getInts("decoder_block_out_channels", new int[] {64, 64, 64, 64}, 4);
    int[] nEnc = c.getInts("num_encoder_blocks", new int[] {1, 3, 3, 3}, enc.length);
    int[] nDec = c.getInts("num_decoder_blocks", new int[] {3, 3, 3, 1}, dec.length);
    if (enc.length != nEnc.length) {
      throw c.unsupported(
          "num_encoder_blocks", Arrays.toString(nEnc), "needs one entry per encoder block");
    }
    if (dec.length != nDec.length) {
      throw c.unsupported(
          "num_decoder_blocks", Arrays.toString(nDec), "needs one entry per decoder block");
    }
    return new AutoencoderTinyConfig(
        c.getInt("in_channels", 3),
        c.getInt("out_channels", 3),
        c.getInt("latent_channels", 4),
        enc,
        dec,
        nEnc,
        nDec,
        c.getInt("upsampling_scaling_factor", 2),
        c.getDouble("scaling_factor", 1.0),
        c.getDouble("shift_factor", 0.0),
        false);
  }

  public AutoencoderTinyConfig withPooledBlocks(boolean pooled) {
    return new AutoencoderTinyConfig(
        inChannels,
        outChannels,
        latentChannels,
        encoderBlockOutChannels,
        decoderBlockOutChannels,
        numEncoderBlocks,
        numDecoderBlocks,
        upsamplingScalingFactor,
        scalingFactor,
        shiftFactor,
        pooled);
  }

  /** Spatial downsampling from pixels to latents. */
  public int downscale() {
    return 1 << (encoderBlockOutChannels.length - 1);
  }
}
