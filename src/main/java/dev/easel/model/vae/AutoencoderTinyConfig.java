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

  /**
   * A TAESD matching an autoencoder that downscales by {@code downscale}: the SD shape for 8, a
   * small one (16 channels, one block per level) otherwise, as for tiny test models.
   */
  public static AutoencoderTinyConfig matching(int latentChannels, int downscale) {
    if (downscale == 8) {
      return sd(latentChannels);
    }
    int levels = Integer.numberOfTrailingZeros(downscale) + 1;
    int[] channels = new int[levels];
    int[] blocks = new int[levels];
    java.util.Arrays.fill(channels, 16);
    java.util.Arrays.fill(blocks, 1);
    return new AutoencoderTinyConfig(
        3, 3, latentChannels, channels, channels, blocks, blocks, 2, 1.0, 0.0, false);
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

  /** diffusers' {@code config.json} for this autoencoder. */
  public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
    var o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    o.put("_class_name", "AutoencoderTiny");
    o.put("_diffusers_version", "0.32.2");
    o.put("act_fn", "relu");
    o.put("in_channels", inChannels);
    o.put("out_channels", outChannels);
    o.put("latent_channels", latentChannels);
    var enc = o.putArray("encoder_block_out_channels");
    for (int c : encoderBlockOutChannels) {
      enc.add(c);
    }
    var dec = o.putArray("decoder_block_out_channels");
    for (int c : decoderBlockOutChannels) {
      dec.add(c);
    }
    var nEnc = o.putArray("num_encoder_blocks");
    for (int c : numEncoderBlocks) {
      nEnc.add(c);
    }
    var nDec = o.putArray("num_decoder_blocks");
    for (int c : numDecoderBlocks) {
      nDec.add(c);
    }
    o.put("upsampling_scaling_factor", upsamplingScalingFactor);
    o.put("upsample_fn", "nearest");
    o.put("scaling_factor", scalingFactor);
    o.put("shift_factor", shiftFactor);
    o.put("latent_magnitude", 3);
    o.put("latent_shift", 0.5);
    o.put("force_upcast", false);
    return o;
  }

  /** Spatial downsampling from pixels to latents. */
  public int downscale() {
    return 1 << (encoderBlockOutChannels.length - 1);
  }
}
