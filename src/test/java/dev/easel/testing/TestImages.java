package dev.easel.testing;

import dev.easel.runtime.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Loads test photos as [1, 3, H, W] tensors and measures reconstruction quality. */
public final class TestImages {
  private TestImages() {}

  /** RGB in [-1, 1], NCHW, cropped to {@code width × height} from the top-left corner. */
  public static FloatTensor load(Path file, int width, int height) throws IOException {
    BufferedImage img = ImageIO.read(file.toFile());
    float[] data = new float[3 * width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = img.getRGB(x, y);
        for (int c = 0; c < 3; c++) {
          int v = (rgb >> (16 - 8 * c)) & 0xff;
          data[(c * height + y) * width + x] = v / 127.5f - 1f;
        }
      }
    }
    return new FloatTensor(new long[] {1, 3, height, width}, data);
  }

  /** PSNR in dB between two images in [-1, 1] (measured on the [0, 1] scale, output clamped). */
  public static double psnr(FloatTensor a, FloatTensor b) {
    double se = 0;
    for (int i = 0; i < a.data().length; i++) {
      double x = (a.data()[i] + 1) / 2;
      double y = Math.min(1, Math.max(0, (b.data()[i] + 1) / 2));
      se += (x - y) * (x - y);
    }
    double mse = se / a.data().length;
    return 10 * Math.log10(1 / mse);
  }
}
