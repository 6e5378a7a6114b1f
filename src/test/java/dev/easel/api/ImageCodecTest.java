package dev.easel.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.image.RgbaImage;
import org.junit.jupiter.api.Test;

class ImageCodecTest {
  private static RgbaImage gradient(int w, int h) {
    byte[] px = new byte[w * h * 4];
    for (int i = 0; i < w * h; i++) {
      px[i * 4] = (byte) (i * 7);
      px[i * 4 + 1] = (byte) (i * 3);
      px[i * 4 + 2] = (byte) i;
      px[i * 4 + 3] = (byte) (i % 2 == 0 ? 255 : 0);
    }
    return new RgbaImage(w, h, px);
  }

  @Test
  void pngRoundTripKeepsEveryPixelAndAlpha() {
    RgbaImage image = gradient(13, 7);
    byte[] png = ImageCodec.encode(image, ImageCodec.Format.PNG, 100);
    ImageCodec.Info info = ImageCodec.probe(png);
    assertThat(info).isEqualTo(new ImageCodec.Info(ImageCodec.Format.PNG, 13, 7));
    assertThat(ImageCodec.decode(png, info).rgba()).isEqualTo(image.rgba());
  }

  @Test
  void jpegAndWebpAreDetectedFromTheirBytes() {
    RgbaImage image = gradient(40, 24);
    byte[] jpeg = ImageCodec.encode(image, ImageCodec.Format.JPEG, 80);
    assertThat(ImageCodec.probe(jpeg))
        .isEqualTo(new ImageCodec.Info(ImageCodec.Format.JPEG, 40, 24));
    byte[] webp = ImageCodec.encode(image, ImageCodec.Format.WEBP, 80);
    ImageCodec.Info info = ImageCodec.probe(webp);
    assertThat(info).isEqualTo(new ImageCodec.Info(ImageCodec.Format.WEBP, 40, 24));
    assertThat(ImageCodec.decode(webp, info).width()).isEqualTo(40);
  }

  @Test
  void lowerCompressionGivesSmallerJpeg() {
    RgbaImage image = gradient(64, 64);
    assertThat(ImageCodec.encode(image, ImageCodec.Format.JPEG, 10).length)
        .isLessThan(ImageCodec.encode(image, ImageCodec.Format.JPEG, 95).length);
  }

  @Test
  void garbageIsNotAnImage() {
    assertThat(ImageCodec.probe("Example data".getBytes())).isNull();
    assertThat(ImageCodec.probe(new byte[0])).isNull();
    byte[] header = TestImages.pngHeaderClaiming(10, 10);
    assertThat(ImageCodec.decode(header, ImageCodec.probe(header))).isNull();
  }
}
