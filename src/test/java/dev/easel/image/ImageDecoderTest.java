package dev.easel.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.testing.SharedAssets;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  @Test
  void detectsEachFormatFromMagicBytes() throws IOException {
    RgbaImage image = TestImages.photoLike(16, 12, 1);
    assertThat(ImageFormat.detect(ImageEncoder.encode(image, OutputFormat.PNG)))
        .isEqualTo(ImageFormat.PNG);
    assertThat(ImageFormat.detect(ImageEncoder.encode(image, OutputFormat.JPEG)))
        .isEqualTo(ImageFormat.JPEG);
    assertThat(ImageFormat.detect(ImageEncoder.encode(image, OutputFormat.WEBP)))
        .isEqualTo(ImageFormat.WEBP);
    assertThatThrownBy(() -> ImageFormat.detect(imageIo(image, "gif")))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("GIF images are not supported");
    assertThatThrownBy(() -> ImageFormat.detect(imageIo(image, "bmp"))).hasMessageContaining("BMP");
    assertThatThrownBy(() -> ImageFormat.detect(imageIo(image, "tiff")))
        .hasMessageContaining("TIFF");
    assertThatThrownBy(() -> ImageFormat.detect("hello".getBytes()))
        .hasMessageContaining("not a PNG, JPEG or WebP image");
    assertThatThrownBy(() -> ImageFormat.detect(new byte[0]))
        .isInstanceOf(ImageFormatException.class);
  }

  @Test
  void refusesGifWithUnsupportedFormat() throws IOException {
    byte[] gif = imageIo(TestImages.photoLike(8, 8, 2), "gif");
    assertThatThrownBy(() -> ImageDecoder.decode(gif))
        .isInstanceOfSatisfying(
            ImageFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(ImageFormatException.Reason.UNSUPPORTED_FORMAT));
  }

  @Test
  void decodesRgbPhoto() throws IOException {
    byte[] bytes = Files.readAllBytes(SharedAssets.require("images/astronaut.png"));
    DecodedImage decoded = ImageDecoder.decode(bytes);
    assertThat(decoded.format()).isEqualTo(ImageFormat.PNG);
    assertThat(decoded.sourceMode()).isEqualTo(PixelMode.RGB);
    assertThat(decoded.hasAlpha()).isFalse();
    assertThat(decoded.image().width()).isEqualTo(512);
    assertThat(decoded.image().height()).isEqualTo(512);
    BufferedImage reference = ImageIO.read(new ByteArrayInputStream(bytes));
    int argb = reference.getRGB(100, 200);
    assertThat(decoded.image().channel(100, 200, 0)).isEqualTo((argb >> 16) & 0xff);
    assertThat(decoded.image().channel(100, 200, 1)).isEqualTo((argb >> 8) & 0xff);
    assertThat(decoded.image().channel(100, 200, 2)).isEqualTo(argb & 0xff);
    assertThat(decoded.image().alpha(100, 200)).isEqualTo(255);
  }

  @Test
  void decodesGreyPhotoWithoutGammaShift() throws IOException {
    byte[] bytes = Files.readAllBytes(SharedAssets.require("images/camera.png"));
    DecodedImage decoded = ImageDecoder.decode(bytes);
    assertThat(decoded.sourceMode()).isEqualTo(PixelMode.L);
    BufferedImage reference = ImageIO.read(new ByteArrayInputStream(bytes));
    int grey = reference.getRaster().getSample(300, 100, 0);
    for (int c = 0; c < 3; c++) {
      assertThat(decoded.image().channel(300, 100, c)).isEqualTo(grey);
    }
    assertThat(decoded.image().alpha(300, 100)).isEqualTo(255);
  }

  @Test
  void decodesRgbaSilhouetteWithAlpha() throws IOException {
    byte[] bytes = Files.readAllBytes(SharedAssets.require("images/horse.png"));
    DecodedImage decoded = ImageDecoder.decode(bytes);
    assertThat(decoded.image().width()).isEqualTo(400);
    assertThat(decoded.image().height()).isEqualTo(328);
    assertThat(decoded.hasAlpha()).isTrue();
    assertThat(decoded.sourceMode()).isEqualTo(PixelMode.RGBA);
    // a black horse on white, stored as RGBA with (almost) every pixel opaque
    assertThat(countAlpha(decoded.image(), 255)).isGreaterThan(131_000);
    long black = 0;
    for (int i = 0; i < decoded.image().rgba().length; i += 4) {
      black += decoded.image().rgba()[i] == 0 && decoded.image().rgba()[i + 2] == 0 ? 1 : 0;
    }
    assertThat(black).isEqualTo(42_199);
  }

  @Test
  void decodesJpegPhotos() throws IOException {
    DecodedImage rocket =
        ImageDecoder.decode(Files.readAllBytes(SharedAssets.require("images/rocket.jpg")));
    assertThat(rocket.format()).isEqualTo(ImageFormat.JPEG);
    assertThat(rocket.sourceMode()).isEqualTo(PixelMode.RGB);
    assertThat(rocket.hasAlpha()).isFalse();
    assertThat(rocket.image().width()).isEqualTo(640);
    assertThat(rocket.image().height()).isEqualTo(427);
    DecodedImage hubble =
        ImageDecoder.decode(
            Files.readAllBytes(SharedAssets.require("images/hubble_deep_field.jpg")));
    assertThat(hubble.image().width()).isEqualTo(1000);
    assertThat(hubble.image().height()).isEqualTo(872);
  }

  @Test
  void decodesPaletteGreyAlphaAndSixteenBitPngsToRgba() throws IOException {
    BufferedImage palette = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_INDEXED);
    palette.setRGB(1, 0, 0xff00ff00);
    DecodedImage p = ImageDecoder.decode(imageIo(palette, "png"));
    assertThat(p.sourceMode()).isEqualTo(PixelMode.P);
    assertThat(rgbaAt(p.image(), 1, 0)).containsExactly(0, 255, 0, 255);

    BufferedImage grey16 = new BufferedImage(3, 3, BufferedImage.TYPE_USHORT_GRAY);
    grey16.getRaster().setSample(2, 1, 0, 65535);
    grey16.getRaster().setSample(1, 1, 0, 32896); // 128 * 257
    DecodedImage g = ImageDecoder.decode(imageIo(grey16, "png"));
    assertThat(g.sourceMode()).isEqualTo(PixelMode.L);
    assertThat(rgbaAt(g.image(), 2, 1)).containsExactly(255, 255, 255, 255);
    assertThat(rgbaAt(g.image(), 1, 1)).containsExactly(128, 128, 128, 255);

    BufferedImage rgba = new BufferedImage(2, 2, BufferedImage.TYPE_4BYTE_ABGR);
    rgba.setRGB(0, 1, 0x80102030);
    DecodedImage a = ImageDecoder.decode(imageIo(rgba, "png"));
    assertThat(a.sourceMode()).isEqualTo(PixelMode.RGBA);
    assertThat(a.hasAlpha()).isTrue();
    assertThat(rgbaAt(a.image(), 0, 1)).containsExactly(0x10, 0x20, 0x30, 0x80);
    assertThat(rgbaAt(a.image(), 1, 1)).containsExactly(0, 0, 0, 0);
  }

  @Test
  void refusesDecompressionBombFromHeaderAlone() {
    byte[] bomb = pngClaiming(100_000, 100_000);
    long start = System.nanoTime();
    assertThatThrownBy(() -> ImageDecoder.decode(bomb, DecodeLimits.DEFAULT))
        .isInstanceOfSatisfying(
            ImageFormatException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ImageFormatException.Reason.TOO_LARGE);
              assertThat(e.getMessage()).contains("100000x100000");
            });
    assertThat((System.nanoTime() - start) / 1e6).isLessThan(500);
    assertThat(bomb.length).isLessThan(200);
  }

  @Test
  void refusesImagesOverCustomLimits() {
    byte[] png = ImageEncoder.encode(TestImages.photoLike(64, 32, 3), OutputFormat.PNG);
    assertThat(ImageDecoder.decode(png, new DecodeLimits(64, 2048)).image().width()).isEqualTo(64);
    assertThatThrownBy(() -> ImageDecoder.decode(png, new DecodeLimits(63, 1_000_000)))
        .hasMessageContaining("64x32");
    assertThatThrownBy(() -> ImageDecoder.decode(png, new DecodeLimits(100, 2047)))
        .isInstanceOfSatisfying(
            ImageFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(ImageFormatException.Reason.TOO_LARGE));
    byte[] jpeg = ImageEncoder.encode(TestImages.photoLike(64, 32, 3), OutputFormat.JPEG);
    assertThatThrownBy(() -> ImageDecoder.decode(jpeg, new DecodeLimits(32, 1_000_000)))
        .hasMessageContaining("64x32");
    byte[] webp = ImageEncoder.encode(TestImages.photoLike(64, 32, 3), OutputFormat.WEBP);
    assertThatThrownBy(() -> ImageDecoder.decode(webp, new DecodeLimits(32, 1_000_000)))
        .hasMessageContaining("64x32");
  }

  @Test
  void truncatedFilesAreCorrupt() {
    RgbaImage image = TestImages.photoLike(64, 64, 4);
    for (OutputFormat format : OutputFormat.values()) {
      byte[] bytes = ImageEncoder.encode(image, format);
      byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);
      assertThatThrownBy(() -> ImageDecoder.decode(truncated))
          .as(format.name())
          .isInstanceOfSatisfying(
              ImageFormatException.class,
              e -> assertThat(e.reason()).isEqualTo(ImageFormatException.Reason.CORRUPT));
    }
  }

  @Test
  void damagedPngDataIsCorrupt() {
    byte[] png = ImageEncoder.encode(TestImages.photoLike(32, 32, 5), OutputFormat.PNG);
    byte[] damaged = png.clone();
    for (int i = 60; i < damaged.length - 20; i++) {
      damaged[i] = (byte) 0x5a;
    }
    assertThatThrownBy(() -> ImageDecoder.decode(damaged))
        .isInstanceOfSatisfying(
            ImageFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(ImageFormatException.Reason.CORRUPT));
  }

  @Test
  void refusesCmykJpegClearly() throws IOException {
    WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(new IIOImage(cmyk, null, null));
    }
    writer.dispose();
    assertThatThrownBy(() -> ImageDecoder.decode(out.toByteArray()))
        .isInstanceOfSatisfying(
            ImageFormatException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ImageFormatException.Reason.UNSUPPORTED_FORMAT);
              assertThat(e.getMessage()).contains("CMYK");
            });
  }

  static int[] rgbaAt(RgbaImage image, int x, int y) {
    return new int[] {
      image.channel(x, y, 0), image.channel(x, y, 1), image.channel(x, y, 2), image.alpha(x, y)
    };
  }

  private static long countAlpha(RgbaImage image, int alpha) {
    long n = 0;
    for (int i = 3; i < image.rgba().length; i += 4) {
      if ((image.rgba()[i] & 0xff) == alpha) {
        n++;
      }
    }
    return n;
  }

  static byte[] imageIo(RgbaImage image, String format) throws IOException {
    BufferedImage buffered =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        buffered.setRGB(
            x,
            y,
            image.channel(x, y, 0) << 16 | image.channel(x, y, 1) << 8 | image.channel(x, y, 2));
      }
    }
    return imageIo(buffered, format);
  }

  static byte[] imageIo(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, format, out)) {
      throw new IllegalStateException("no writer for " + format);
    }
    return out.toByteArray();
  }

  /** A valid PNG whose header claims the given size, with one tiny IDAT and IEND. */
  private static byte[] pngClaiming(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8;
    ihdr[9] = 6;
    chunk(out, "IHDR", ihdr);
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[1000]);
    deflater.finish();
    byte[] idat = new byte[100];
    int n = deflater.deflate(idat);
    deflater.end();
    chunk(out, "IDAT", Arrays.copyOf(idat, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] len = new byte[4];
    putInt(len, 0, data.length);
    out.writeBytes(len);
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.writeBytes(c);
  }

  private static void putInt(byte[] b, int pos, int v) {
    b[pos] = (byte) (v >>> 24);
    b[pos + 1] = (byte) (v >>> 16);
    b[pos + 2] = (byte) (v >>> 8);
    b[pos + 3] = (byte) v;
  }
}
